// `pnpm lint` runs this after biome: the import rules the house is built on, checked.
// Paths are from the repository root; imports of a workspace package resolve, through
// pnpm's links, to its real folder (packages/<name>/dist/…), or stay `@speedup/<name>`
// when it is not built yet, so the rules name both. (dependency-cruiser 17: 18 needs
// Node 22, and the house still runs on 20.)

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-import-circle',
      severity: 'error',
      comment:
        'This import closes a circle: each module in it waits for the others to load, so ' +
        'whichever runs first sees the rest half-initialised. Move what they share into a ' +
        'module both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'strategy-imports-only-shared-core',
      severity: 'error',
      comment:
        "A strategy's src/ uses shared-core and npm packages, nothing else of the " +
        'workspace: a reader must be able to put it beside its siblings and see only ' +
        'the concurrency differ, and it must run without the harness or the site server.',
      // Every package with a "speedup" field is named for its workload.
      from: { path: '^packages/((?:io|cpu|py)-[^/]+)/src/' },
      to: {
        // Relative imports are the next rule's.
        dependencyTypesNot: ['local'],
        path: ['^(packages|apps)/', '^@speedup/'],
        pathNot: ['^packages/$1/', '^packages/shared-core/dist/', '^@speedup/shared-core(/|$)'],
      },
    },
    {
      name: 'no-reaching-into-another-package',
      severity: 'error',
      comment:
        'A relative import into another package skips its package.json: its exports, ' +
        'and the dependency pnpm and turbo need to build it first. Import it by name.',
      from: { path: '^((?:packages|apps)/[^/]+)/' },
      to: { dependencyTypes: ['local'], path: '^(packages|apps)/', pathNot: '^$1/' },
    },
  ],
  options: {
    // Built files and installed packages are ends of an import, not code to check.
    doNotFollow: { path: ['(^|/)node_modules/', '(^|/)dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'node', 'default'],
    },
  },
};

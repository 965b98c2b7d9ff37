import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// One config for the whole repository. Every folder under packages/ and apps/ with a
// test/ folder is a project named after its package.json, and inherits the settings
// below (`extends: true`). Paths start from this file, not the current directory, so a
// package's own `pnpm test` finds the same projects as the root's.
const repository = import.meta.dirname;
const projects = ['packages', 'apps']
  .map((parent) => join(repository, parent))
  .flatMap((parent) => readdirSync(parent).map((folder) => join(parent, folder)))
  .filter((root) => existsSync(join(root, 'package.json')) && existsSync(join(root, 'test')))
  .map((root) => ({
    extends: true as const,
    test: {
      name: (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }).name,
      root,
      include: ['test/**/*.test.ts'],
    },
  }));

// The docs' generated sections, their figures and links (scripts/docs/).
const docs = {
  extends: true as const,
  test: { name: 'docs', root: join(repository, 'scripts/docs'), include: ['test/**/*.test.ts'] },
};

export default defineConfig({
  test: {
    projects: [...projects, docs],
    // Tests start real servers, pools and processes; on a busy 2-core machine they need room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Test files start CPU-heavy pools; on 2 cores, running them one file at a time keeps
    // every test far from its timeout.
    fileParallelism: false,
  },
});

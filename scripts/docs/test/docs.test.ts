import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { handWrittenFigures } from '../figures.js';
import { rewrite } from '../markers.js';
import { differences, documents } from '../update.js';

const root = join(import.meta.dirname, '../../..');

describe('the docs', () => {
  it('are as pnpm docs:update writes them from docs/results/results.json', () => {
    expect(differences(root), 'run pnpm docs:update').toEqual([]);
  });

  it('print no figure that a run measured outside a generated section', () => {
    const found = documents(root).flatMap((file) =>
      handWrittenFigures(readFileSync(join(root, file), 'utf8')).map(
        ({ line, figure }) => `${file}:${line}: ${figure}`,
      ),
    );
    expect(found, 'make each a <!-- value:… --> or remove it').toEqual([]);
  });

  it('link only to files that exist', () => {
    const broken = documents(root).flatMap((file) => {
      const text = readFileSync(join(root, file), 'utf8');
      return [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
        .map((match) => match[1] as string)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => {
          try {
            readFileSync(join(root, file, '..', target));
            return false;
          } catch (error) {
            return (error as NodeJS.ErrnoException).code !== 'EISDIR';
          }
        })
        .map((target) => `${file}: ${target}`);
    });
    expect(broken).toEqual([]);
  });
});

describe('markers', () => {
  const render = { block: (name: string) => `block ${name}`, value: (name: string) => `<${name}>` };

  it('rewrite blocks and values, and rewriting twice changes nothing', () => {
    const once = rewrite(
      'a <!-- value:x.y -->old<!-- /value --> b\n<!-- generated:t:1 -->\nold\n<!-- /generated:t:1 -->\n',
      render,
    );
    expect(once).toBe(
      'a <!-- value:x.y --><x.y><!-- /value --> b\n<!-- generated:t:1 -->\nblock t:1\n<!-- /generated:t:1 -->\n',
    );
    expect(rewrite(once, render)).toBe(once);
  });

  it('find hand-written figures outside markers, code and quotes', () => {
    const text = [
      'took 1.95 s and 1.8x',
      'took <!-- value:a.b.c -->2 s<!-- /value -->',
      '`--latency 25 ms`',
      '<!-- quote:article -->14.3 s<!-- /quote -->',
      'with 95 % intervals, 160 pages',
    ].join('\n');
    expect(handWrittenFigures(text)).toEqual([
      { line: 1, figure: '1.95 s' },
      { line: 1, figure: '1.8x' },
    ]);
  });
});

import { handWritten } from './markers.js';

/**
 * A figure with a unit: `1.95 s`, `48.9 ms`, `654 µs`, `113 MB`, `1.8x`, `3 %`. Only
 * figures a run measures have these units; a count (160 pages, 2 cores) or a product
 * (`160 ÷ 5 × latency`) has none.
 */
const FIGURE = /(?<![\w.-])\d[\d,]*(\.\d+)?(\s?(ms|µs|s|MB|MiB|GB|KB|kB|%)|[x×])(?![\w])/g;

/**
 * What a figure may stand in without being measured: fenced code of commands and code
 * (```sh, ```ts, ```json: options such as `--latency 25` are settings, not results),
 * inline code (`--sweep workers=1,2,5`, `1.81x (1.77–1.85)` as a format), and the
 * the level of an interval (`95 % interval`), and the article's own figures, quoted between `<!-- quote:article -->` and `<!-- /quote -->`.
 * Everything else, plain fenced blocks of output included, must be generated.
 */
function withoutAllowed(markdown: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return (
    handWritten(markdown)
      .replace(/^```(sh|ts|json|js|py|python|yaml|toml)\n[\s\S]*?^```$/gm, blank)
      .replace(/<!-- quote:article -->[\s\S]*?<!-- \/quote -->/g, blank)
      .replace(/`[^`\n]+`/g, blank)
      .replace(/<!--[\s\S]*?-->/g, blank)
      // The level of every interval: a convention, not a measurement.
      .replace(/95 % (interval|intervals|confidence)/g, blank)
  );
}

/** Every hand-written figure of a document: its line and the figure. */
export function handWrittenFigures(markdown: string): { line: number; figure: string }[] {
  return withoutAllowed(markdown)
    .split('\n')
    .flatMap((text, index) =>
      [...text.matchAll(FIGURE)].map((match) => ({ line: index + 1, figure: match[0] })),
    );
}

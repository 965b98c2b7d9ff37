/**
 * The marked sections of the docs, and how to rewrite them.
 *
 * A block is whole lines between two comments, replaced by what the block named NAME
 * renders:
 *
 *     <!-- generated:NAME -->
 *     …
 *     <!-- /generated:NAME -->
 *
 * A value is a figure inside a sentence, replaced by what the value named NAME formats:
 *
 *     fib takes <!-- value:cpu-sync.fib.median -->1.95 s<!-- /value --> here
 */

// A block's markers are lines of their own: shown inline, as here, they are not one.
const BLOCK = /^<!-- generated:([^\s>]+) -->\n([\s\S]*?)<!-- \/generated:\1 -->/gm;
// A value's name always has a dot (`cpu-sync.fib.median`), so the syntax can be shown in
// prose as `<!-- value:NAME -->` without being taken for one.
const VALUE = /<!-- value:([^\s>]+\.[^\s>]+) -->([\s\S]*?)<!-- \/value -->/g;

/** What one document is rewritten from: the file's path decides its charts' relative links. */
export interface Renderers {
  readonly block: (name: string) => string;
  readonly value: (name: string) => string;
}

/** The document with every marked section as the renderers write it. */
export function rewrite(markdown: string, render: Renderers): string {
  return markdown
    .replace(BLOCK, (_, name: string) => {
      const body = render.block(name).replace(/\n*$/, '\n');
      return `<!-- generated:${name} -->\n${body}<!-- /generated:${name} -->`;
    })
    .replace(
      VALUE,
      (_, name: string) => `<!-- value:${name} -->${render.value(name)}<!-- /value -->`,
    );
}

/** Names of the blocks and values a document marks, in order. */
export function markedNames(markdown: string): { blocks: string[]; values: string[] } {
  return {
    blocks: [...markdown.matchAll(BLOCK)].map((match) => match[1] as string),
    values: [...markdown.matchAll(VALUE)].map((match) => match[1] as string),
  };
}

/** The document with every marked section's content taken out: what is left was written by hand. */
export function handWritten(markdown: string): string {
  return markdown
    .replace(BLOCK, (whole) => whole.replace(/[^\n]/g, ' '))
    .replace(VALUE, (whole) => whole.replace(/[^\n]/g, ' '));
}

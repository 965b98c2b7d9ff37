import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Whether `stream` should get colours: a terminal, and nobody asked for none. */
export function wantsColour(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && process.env.TERM !== 'dumb';
}

/** A painter: styles text when colours are on, returns it untouched when they are off. */
export type Paint = (style: Style, text: string) => string;

export function painter(colour: boolean): Paint {
  // Whether to colour is decided above, for the stream the text is for. Node 22.13 and
  // later would also check process.stdout on every call, and drop the colours of text
  // meant for a terminal on stderr, or asked for with FORCE_COLOR, when stdout is a pipe.
  return colour
    ? (style, text) => styleText(style, text, { validateStream: false })
    : (_style, text) => text;
}

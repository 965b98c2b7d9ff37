import { createRandom } from './random.js';

/**
 * The article downloads two real pages: a project home page of tens of kilobytes and a
 * tiny page that shows a dice roll. These are stand-ins with the same sizes. They are
 * generated from a fixed seed so every run, every strategy and every machine sees the
 * same bytes, and their hashes can be compared.
 */
export interface Page {
  readonly name: string;
  readonly contentType: string;
  readonly body: Buffer;
}

const WORDS = [
  'python',
  'java',
  'interpreter',
  'module',
  'thread',
  'process',
  'session',
  'request',
  'download',
  'release',
  'document',
  'library',
  'compile',
  'runtime',
  'package',
  'import',
  'community',
  'version',
  'platform',
  'integration',
  'script',
  'console',
  'object',
  'class',
];

function paragraph(random: () => number, words: number): string {
  const picked = Array.from(
    { length: words },
    () => WORDS[Math.floor(random() * WORDS.length)] as string,
  );
  return `<p>${picked.join(' ')}.</p>`;
}

function projectHomePage(): Buffer {
  const random = createRandom(2018);
  const sections: string[] = [];
  for (let section = 1; section <= 24; section++) {
    const paragraphs = Array.from({ length: 6 }, () => paragraph(random, 36));
    sections.push(
      `<section id="s${section}"><h2>Section ${section}</h2>${paragraphs.join('\n')}</section>`,
    );
  }
  return Buffer.from(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Site A: a project home page</title></head>\n<body><h1>Site A</h1>\n${sections.join('\n')}\n</body></html>\n`,
  );
}

function diceRollPage(): Buffer {
  return Buffer.from(
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Site B: dice</title></head>\n<body><h1>Site B</h1><p>You rolled a 4.</p></body></html>\n',
  );
}

export const siteA: Page = {
  name: 'A',
  contentType: 'text/html; charset=utf-8',
  body: projectHomePage(),
};

export const siteB: Page = {
  name: 'B',
  contentType: 'text/html; charset=utf-8',
  body: diceRollPage(),
};

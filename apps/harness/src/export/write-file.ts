import { rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { redactCredentials } from '@speedup/shared-core/harness';

/**
 * How every export (`--export-json`, `--export-markdown`, `--report`) reaches the disk:
 * whole or not at all, and with every password hidden.
 *
 * Whole: the text goes to a temporary file in the same folder, then is renamed over the
 * target. A rename within one file system replaces the target at once, so a reader (or a
 * CI step that uploads the file) sees the old file or the new one, never half of one,
 * whenever the run stops. Passwords: a URL given as `http://alice:s3cr3t@host/` is written
 * as `http://alice:***@host/`, whatever part of the output it found its way into.
 */

const unfinished = new Set<string>();

export async function writeExport(file: string, text: string): Promise<void> {
  const folder = dirname(file);
  await mkdir(folder, { recursive: true });
  const temporary = join(folder, `.${basename(file)}.${process.pid}.tmp`);
  unfinished.add(temporary);
  try {
    await writeFile(temporary, redactCredentials(text));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    unfinished.delete(temporary);
  }
}

/** Removes the temporary files of exports being written, for a harness ending at once (a second Ctrl-C). */
export function removeUnfinishedExports(): void {
  for (const temporary of unfinished) rmSync(temporary, { force: true });
}

// A file written whole or not at all: a temp file beside it, then a rename, so whoever reads it (the
// kiosk a roster, a principal's browser a page, the kiosk a catalog) sees the old file or the new
// one, never half of one. The temp file is removed when anything fails; the error is the caller's to word.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeWhole(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, data, { flag: 'wx' });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Corrective-action attachments as files under `<DATA_DIR>/attachments/`, named by the server (never by the uploader). */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AttachmentFiles } from '../services/action.ports.ts';

/** The names this adapter makes; anything else is refused on read, so a stored name cannot reach outside the directory. */
const FILE_NAME = /^[0-9a-f]{32}\.(png|jpg|webp|gif)$/;

export class DiskAttachmentFiles implements AttachmentFiles {
  private readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'attachments');
  }

  save(bytes: Uint8Array, extension: string): { file: string; sha256: string } {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const file = `${randomBytes(16).toString('hex')}.${extension}`;
    if (!FILE_NAME.test(file)) throw new Error(`unexpected attachment extension ${extension}`);
    const fd = fs.openSync(path.join(this.dir, file), 'wx', 0o600);
    try {
      fs.writeSync(fd, bytes);
      // On disk before the database names it.
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return { file, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  read(file: string): Buffer | undefined {
    if (!FILE_NAME.test(file)) return undefined;
    try {
      return fs.readFileSync(path.join(this.dir, file));
    } catch {
      return undefined;
    }
  }
}

/**
 * DATA_DIR holds the embedded database and the generated encryption key: both are readable by their owner only,
 * whatever the process umask (which can only take permissions away from the modes asked for here).
 */
import fs from 'node:fs';

/** Creates the directory (and missing parents) 0700; an existing directory is left as the operator made it. */
export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Makes an existing file 0600; returns its previous mode if that was looser, else undefined. */
export function restrictToOwner(file: string): number | undefined {
  let mode: number;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    return undefined; // not there (yet)
  }
  if ((mode & 0o177) === 0) return undefined;
  fs.chmodSync(file, 0o600);
  return mode;
}

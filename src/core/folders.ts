import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` without Node's `{ recursive: true }`, which spins forever on some pseudo file systems
 * (`mkdirSync('/proc/x', { recursive: true })` never returns on Linux). Creates each missing level
 * from the deepest existing ancestor down, so an impossible path fails at once with a real errno.
 */
export function makeFolderSync(path: string): void {
  for (const level of missingLevels(path, (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory())) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/** Async form for async callers; the few stat/mkdir calls are cheap enough to run in line. */
export async function makeFolder(path: string): Promise<void> {
  makeFolderSync(path);
}

function missingLevels(path: string, isFolder: (p: string) => boolean | undefined): string[] {
  const levels: string[] = [];
  let current = resolve(path);
  for (;;) {
    const folder = isFolder(current);
    if (folder === true) break;
    if (folder === false) throw notAFolder(current);
    levels.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return levels;
}

function notAFolder(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), { code: 'ENOTDIR', path });
}

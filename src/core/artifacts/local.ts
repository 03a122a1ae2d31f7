/**
 * The embedded artifact store: objects are plain files under one folder, so an operator can browse
 * them, back them up with any tool and drop a model in by hand.
 *
 * Layout under the root:
 *   cpu-forecast/v3/model.json              the object itself
 *   .fleetcast-meta/cpu-forecast/v3/model.json   its sha256 (hex), recorded at put
 *   cpu-forecast/v3/.fleetcast-tmp-…        a put in flight (renamed into place when complete)
 * The sidecars live in a separate mirror tree rather than beside each file so that no user key can
 * ever collide with a sidecar name; keys refuse the `.fleetcast-` prefix, and `list` skips it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage, FleetcastError } from '../errors.js';
import { makeFolder } from '../folders.js';
import {
  type ArtifactBody,
  compareKeys,
  RESERVED_SEGMENT_PREFIX,
  readBody,
  validateKey,
  validatePrefix,
} from './keys.js';
import type { ArtifactInfo, ArtifactStore } from './types.js';

const META_DIR = `${RESERVED_SEGMENT_PREFIX}meta`;
const TEMP_PREFIX = `${RESERVED_SEGMENT_PREFIX}tmp-`;
/** How many files `list` stats and hashes at once: enough to overlap I/O, few enough to keep fds. */
const LIST_CONCURRENCY = 16;

export class LocalArtifactStore implements ArtifactStore {
  readonly kind = 'file' as const;
  readonly location: string;
  readonly rootDir: string;
  /** Puts and deletes of one key run one after another, so a file and its sidecar always match. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
    this.location = this.rootDir;
  }

  async put(key: string, body: ArtifactBody): Promise<ArtifactInfo> {
    validateKey(key);
    const { data, sha256 } = await readBody(body, key);
    return this.serialized(key, async () => {
      try {
        // Data first: a crash before the sidecar lands leaves a file without a sidecar, which is
        // then hashed on demand like a file copied in by hand, never a half-written object.
        await writeAtomically(this.dataPath(key), data);
        await writeAtomically(this.metaPath(key), `${sha256}\n`);
        const info = await stat(this.dataPath(key));
        return { key, size: info.size, sha256, modifiedAt: info.mtime };
      } catch (error) {
        throw this.fsError(error, key, 'write');
      }
    });
  }

  async get(key: string): Promise<Buffer> {
    validateKey(key);
    await this.inFlight.get(key);
    // A second look rides out an overwrite by another process landing between the two reads.
    for (let attempt = 0; ; attempt++) {
      let data: Buffer;
      let recorded: string | undefined;
      try {
        [data, recorded] = await Promise.all([readFile(this.dataPath(key)), this.readSidecar(key)]);
      } catch (error) {
        throw this.fsError(error, key, 'read');
      }
      if (recorded === undefined) return data;
      const actual = createHash('sha256').update(data).digest('hex');
      if (actual === recorded) return data;
      if (attempt >= 1) throw checksumMismatch(key, recorded, actual, this.dataPath(key));
      await sleep(50);
    }
  }

  async stat(key: string): Promise<ArtifactInfo> {
    validateKey(key);
    await this.inFlight.get(key);
    const info = await this.statFile(key);
    if (info === undefined) throw notFound(key, this.location);
    return info;
  }

  async exists(key: string): Promise<boolean> {
    validateKey(key);
    await this.inFlight.get(key);
    try {
      return (await stat(this.dataPath(key))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw this.fsError(error, key, 'read');
    }
  }

  async list(prefix = ''): Promise<ArtifactInfo[]> {
    validatePrefix(prefix);
    const keys: string[] = [];
    try {
      await this.walk('', prefix, keys);
    } catch (error) {
      if (isMissing(error)) return []; // No root yet: nothing has been stored.
      throw this.fsError(error, prefix, 'list');
    }
    keys.sort(compareKeys);
    const infos: ArtifactInfo[] = [];
    for (let i = 0; i < keys.length; i += LIST_CONCURRENCY) {
      const batch = await Promise.all(keys.slice(i, i + LIST_CONCURRENCY).map((key) => this.statFile(key)));
      // A file deleted between the walk and its stat is simply no longer listed.
      for (const info of batch) if (info !== undefined) infos.push(info);
    }
    return infos;
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    await this.serialized(key, async () => {
      try {
        // Sidecar first: a crash in between leaves a file without a sidecar (still readable, hashed
        // on demand), never a sidecar that would later condemn a new file copied in under this key.
        await rm(this.metaPath(key), { force: true });
        const data = this.dataPath(key);
        const info = await lstat(data).catch((error: unknown) => {
          if (isMissing(error)) return undefined;
          throw error;
        });
        if (info === undefined || info.isDirectory()) return; // Missing (or a folder): nothing to delete.
        await rm(data, { force: true });
        await pruneEmptyFolders(dirname(data), this.rootDir);
        await pruneEmptyFolders(dirname(this.metaPath(key)), join(this.rootDir, META_DIR));
      } catch (error) {
        throw this.fsError(error, key, 'delete');
      }
    });
  }

  async ping(): Promise<void> {
    const probe = join(this.rootDir, `${TEMP_PREFIX}ping-${randomBytes(6).toString('hex')}`);
    try {
      await makeFolder(this.rootDir);
      await writeDurably(probe, Buffer.alloc(0));
      await rm(probe, { force: true });
    } catch (error) {
      throw new FleetcastError(
        'FLEETCAST_HOME_UNWRITABLE',
        `The artifact folder ${this.rootDir} cannot be written: ${errorMessage(error)}`,
        {
          hint: `Create ${this.rootDir} and make it writable by this user, or point the artifact store at another folder.`,
          details: { folder: this.rootDir },
          cause: error,
        },
      );
    }
  }

  async close(): Promise<void> {
    // Nothing is held open between calls.
  }

  private dataPath(key: string): string {
    return join(this.rootDir, ...key.split('/'));
  }

  private metaPath(key: string): string {
    return join(this.rootDir, META_DIR, ...key.split('/'));
  }

  private async readSidecar(key: string): Promise<string | undefined> {
    try {
      const text = (await readFile(this.metaPath(key), 'utf8')).trim().toLowerCase();
      // An unreadable sidecar (truncated, edited) is treated as absent rather than as tampering:
      // the content itself is what matters, and it is then hashed afresh.
      return /^[0-9a-f]{64}$/.test(text) ? text : undefined;
    } catch (error) {
      if (isMissing(error) || errnoCode(error) === 'EISDIR') return undefined;
      throw error;
    }
  }

  /** Info of one object, or undefined when no file holds that key. */
  private async statFile(key: string): Promise<ArtifactInfo | undefined> {
    const path = this.dataPath(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      const sha256 = (await this.readSidecar(key)) ?? (await hashFile(path));
      return { key, size: info.size, sha256, modifiedAt: info.mtime };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw this.fsError(error, key, 'read');
    }
  }

  /** Collects the keys of files under folder `rel` that start with `prefix`, skipping bookkeeping. */
  private async walk(rel: string, prefix: string, out: string[]): Promise<void> {
    const entries = await readdir(rel === '' ? this.rootDir : this.dataPath(rel), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith(RESERVED_SEGMENT_PREFIX)) continue;
      const key = rel === '' ? entry.name : `${rel}/${entry.name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // A linked file counts as an object (a hand-made layout may use links); linked folders
        // are not followed, so a link loop cannot hang the walk.
        const target = await stat(this.dataPath(key)).catch(() => undefined);
        isFile = target?.isFile() ?? false;
        isDir = false;
      }
      if (isDir) {
        const folder = `${key}/`;
        if (folder.startsWith(prefix) || prefix.startsWith(folder)) {
          await this.walk(key, prefix, out).catch((error: unknown) => {
            if (!isMissing(error)) throw error; // Removed while walking: skip it.
          });
        }
      } else if (isFile && key.startsWith(prefix)) {
        out.push(key);
      }
    }
  }

  private async serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.inFlight.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
    }
  }

  private fsError(error: unknown, key: string, action: 'read' | 'write' | 'list' | 'delete'): FleetcastError {
    if (error instanceof FleetcastError) return error;
    const code = errnoCode(error);
    if (action === 'read' && (isMissing(error) || code === 'EISDIR')) return notFound(key, this.location);
    if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'EEXIST') {
      return new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `Artifact key "${key}" conflicts with an existing object or folder in ${this.location}`,
        {
          hint: 'A key cannot be both an object and a folder of other objects (e.g. "a" and "a/b"); choose another key.',
          details: { key, location: this.location },
          cause: error,
        },
      );
    }
    if (code === 'ENAMETOOLONG') {
      return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `Artifact key "${key}" is too long for the file system`, {
        hint: 'Keep each /-separated segment of a key under 255 bytes.',
        details: { key },
        cause: error,
      });
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      return new FleetcastError(
        'FLEETCAST_HOME_UNWRITABLE',
        `Cannot ${action} "${key}" in ${this.location}: ${errorMessage(error)}`,
        {
          hint: `Make ${this.rootDir} readable and writable by this user.`,
          details: { key, folder: this.rootDir },
          cause: error,
        },
      );
    }
    return new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `Cannot ${action} "${key}" in ${this.location}: ${errorMessage(error)}`,
      {
        hint:
          code === 'ENOSPC' || code === 'EDQUOT' ? `Free some space on the disk holding ${this.rootDir}.` : undefined,
        details: { key, location: this.location },
        cause: error,
      },
    );
  }
}

/**
 * Writes `content` to a temp file in the target's own folder (same file system, so the rename is
 * atomic), flushes it, then renames it over the target: readers see the old file or the new one.
 */
async function writeAtomically(path: string, content: Buffer | string): Promise<void> {
  const folder = dirname(path);
  for (let attempt = 0; ; attempt++) {
    const temp = join(folder, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await makeFolder(folder);
      await writeDurably(temp, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      await rename(temp, path);
      return;
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      // A delete of the folder's last object may prune the folder between mkdir and write: retry.
      if (errnoCode(error) === 'ENOENT' && attempt < 3) continue;
      throw error;
    }
  }
}

/** Writes and fsyncs, so a power cut after the rename cannot expose an empty or partial file. */
async function writeDurably(path: string, content: Buffer): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Removes `folder` and its parents while they are empty, stopping at (and keeping) `stop`. */
async function pruneEmptyFolders(folder: string, stop: string): Promise<void> {
  let current = folder;
  while (current !== stop && current.startsWith(`${stop}${sep}`)) {
    try {
      await rmdir(current);
    } catch (error) {
      const code = errnoCode(error);
      // Not empty (another object, or a put in flight) or already gone: pruning stops here.
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOENT' || code === 'EBUSY') return;
      throw error;
    }
    current = dirname(current);
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function checksumMismatch(key: string, expected: string, actual: string, path: string): FleetcastError {
  return new FleetcastError(
    'FLEETCAST_CHECKSUM_MISMATCH',
    `Artifact "${key}" does not match its checksum: expected sha256 ${expected}, got ${actual}`,
    {
      hint: `The file ${path} was changed after it was stored. Put the artifact again, or restore the file from a backup.`,
      details: { key, expected, actual },
    },
  );
}

function notFound(key: string, location: string): FleetcastError {
  return new FleetcastError('FLEETCAST_NOT_FOUND', `No artifact "${key}" in ${location}`, {
    hint: 'Check the key, or list what is stored with the prefix it should start with.',
    details: { key, location },
  });
}

function errnoCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function isMissing(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

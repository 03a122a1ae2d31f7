/**
 * Rules shared by every artifact store, so a key that works in the local folder works in a bucket
 * too (and an embedded install can move to S3 without renaming anything).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { errorMessage, FleetcastError } from '../errors.js';

/** S3's own limit on a key; the local store keeps it too so keys stay portable. */
export const MAX_KEY_BYTES = 1024;

/**
 * Segments starting with this are the local store's bookkeeping (checksum sidecars, temp files of
 * puts in flight). They are refused in every store, not only the local one, so keys stay portable.
 */
export const RESERVED_SEGMENT_PREFIX = '.fleetcast-';

export type ArtifactBody = Buffer | Uint8Array | string | Readable;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** Why `key` is not a valid artifact key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'it is empty';
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (CONTROL_CHARS.test(key)) return 'it contains a control character';
  if (key.includes('\\')) return 'it contains a backslash (use / to separate folders)';
  if (key.startsWith('/')) return 'it starts with / (keys are relative to the store)';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty segment (// or a trailing /)';
    if (segment === '.' || segment === '..') return `it has a "${segment}" segment`;
    if (segment.startsWith(RESERVED_SEGMENT_PREFIX)) {
      return `its segment "${segment}" starts with the reserved "${RESERVED_SEGMENT_PREFIX}"`;
    }
  }
  return undefined;
}

/** Throws FLEETCAST_INVALID_ARGUMENT unless `key` is a valid artifact key. */
export function validateKey(key: string): string {
  const problem = keyProblem(key);
  if (problem !== undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `Invalid artifact key ${JSON.stringify(key)}: ${problem}`, {
      hint: 'Keys are relative, /-separated paths such as "cpu-forecast/v3/model.json", without "." or ".." segments.',
      details: { key },
    });
  }
  return key;
}

/**
 * Validates a list prefix. A prefix is a plain string filter ("cpu-" matches "cpu-forecast/..."),
 * so only its folder part (up to the last /) must be a valid key; that part is where the local
 * store starts walking, and it must never climb out of the root.
 */
export function validatePrefix(prefix: string): string {
  const problem = prefixProblem(prefix);
  if (problem !== undefined) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `Invalid artifact prefix ${JSON.stringify(prefix)}: ${problem}`,
      {
        hint: 'A prefix is the start of a key, such as "cpu-forecast/" or "cpu-forecast/v".',
        details: { prefix },
      },
    );
  }
  return prefix;
}

function prefixProblem(prefix: string): string | undefined {
  if (typeof prefix !== 'string') return 'it is not a string';
  if (prefix === '') return undefined;
  if (Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  if (CONTROL_CHARS.test(prefix)) return 'it contains a control character';
  if (prefix.includes('\\')) return 'it contains a backslash';
  if (prefix.startsWith('/')) return 'it starts with /';
  const slash = prefix.lastIndexOf('/');
  return slash === -1 ? undefined : keyProblem(prefix.slice(0, slash));
}

/** Orders keys by their UTF-8 bytes, as S3 lists them, so both stores sort identically. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Reads any accepted body into one Buffer and hashes it. A failing stream becomes
 * FLEETCAST_INVALID_ARGUMENT: nothing has been written yet, so nothing is stored.
 */
export async function readBody(body: ArtifactBody, key?: string): Promise<{ data: Buffer; sha256: string }> {
  let data: Buffer;
  if (typeof body === 'string') data = Buffer.from(body, 'utf8');
  else if (Buffer.isBuffer(body)) data = body;
  else if (body instanceof Uint8Array) data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  else if (body instanceof Readable) {
    try {
      data = await readStream(body);
    } catch (error) {
      const what = key === undefined ? 'an artifact' : `artifact "${key}"`;
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `Reading the body of ${what} failed: ${errorMessage(error)}`,
        {
          hint: 'The stream passed to put failed before it ended; nothing was stored. Retry with a working stream.',
          ...(key === undefined ? {} : { details: { key } }),
          cause: error,
        },
      );
    }
  } else {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      'An artifact body must be a Buffer, Uint8Array, string or Readable',
      {
        hint: 'Pass the content itself, or a stream such as fs.createReadStream(path).',
      },
    );
  }
  return { data, sha256: sha256Hex(data) };
}

async function readStream(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    // Object-mode or string streams yield strings; byte streams yield Buffers.
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk, 'utf8'));
    else chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

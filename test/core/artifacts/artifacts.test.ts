import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ArtifactStore,
  GcsArtifactStore,
  LocalArtifactStore,
  S3ArtifactStore,
} from '../../../src/core/artifacts/index.js';
import { FleetcastError } from '../../../src/core/errors.js';
import { startS3Server, type TestS3Server } from '../../helpers/s3-server.js';
import { tempDir, uniqueSuffix } from '../../helpers/services.js';
import { type FakeGcs, startFakeGcs } from './gcs-fake-server.js';

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The store under test plus ways to change its content behind its back, as other tools would. */
interface Fixture {
  store: ArtifactStore;
  /** Writes an object without going through the store, so no checksum is recorded. */
  writeForeign(key: string, data: Buffer): Promise<void>;
  /** Replaces an object's content while leaving its recorded checksum as it was. */
  tamper(key: string, data: Buffer): Promise<void>;
  /** Leaves what a crashed put or another tool may leave next to real objects. */
  leaveDebris(): Promise<void>;
  cleanup(): Promise<void>;
}

async function caught(promise: Promise<unknown>): Promise<FleetcastError> {
  const error: unknown = await promise.then(() => undefined).catch((e: unknown) => e);
  if (!(error instanceof FleetcastError)) throw new Error(`expected a FleetcastError, got ${String(error)}`);
  return error;
}

let s3: TestS3Server;
let raw: S3Client;
let gcs: FakeGcs;
beforeAll(async () => {
  gcs = await startFakeGcs();
  s3 = await startS3Server();
  raw = new S3Client({
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
});
afterAll(async () => {
  raw?.destroy();
  await s3?.close();
  await gcs?.close();
});

function gcsStore(overrides: Partial<ConstructorParameters<typeof GcsArtifactStore>[0]> = {}): GcsArtifactStore {
  return new GcsArtifactStore({
    bucket: gcs.bucket,
    prefix: `t-${uniqueSuffix()}`,
    endpoint: gcs.endpoint,
    accessToken: gcs.token,
    ...overrides,
  });
}

function s3Store(overrides: Partial<ConstructorParameters<typeof S3ArtifactStore>[0]> = {}): S3ArtifactStore {
  return new S3ArtifactStore({
    bucket: s3.bucket,
    prefix: `t-${uniqueSuffix()}`, // A fresh prefix per test isolates tests sharing the bucket.
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    ...overrides,
  });
}

const fixtures: Record<'local' | 's3' | 'gcs', () => Promise<Fixture>> = {
  local: async () => {
    const dir = tempDir();
    const store = new LocalArtifactStore(join(dir.path, 'artifacts'));
    const write = async (key: string, data: Buffer) => {
      const path = join(store.rootDir, ...key.split('/'));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, data);
    };
    return {
      store,
      writeForeign: write,
      tamper: write, // Edits the file in place; the sidecar keeps the old sha256.
      leaveDebris: async () => {
        await write('a/.fleetcast-tmp-0123456789abcdef', Buffer.from('half a put'));
      },
      cleanup: async () => dir.remove(),
    };
  },
  s3: async () => {
    const store = s3Store();
    const put = async (key: string, data: Buffer, metadata?: Record<string, string>) => {
      await raw.send(
        new PutObjectCommand({ Bucket: s3.bucket, Key: store.prefix + key, Body: data, Metadata: metadata }),
      );
    };
    return {
      store,
      writeForeign: (key, data) => put(key, data),
      tamper: async (key, data) => {
        const old = await raw.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: store.prefix + key }));
        await put(key, data, old.Metadata);
      },
      leaveDebris: async () => put('a/', Buffer.alloc(0)), // A console-style "folder" marker.
      cleanup: () => store.close(),
    };
  },
  gcs: async () => {
    const store = gcsStore();
    return {
      store,
      writeForeign: async (key, data) => gcs.putForeign(store.prefix + key, data),
      tamper: async (key, data) => gcs.tamper(store.prefix + key, data),
      leaveDebris: async () => gcs.putForeign(`${store.prefix}a/`, Buffer.alloc(0)), // a console "folder"
      cleanup: () => store.close(),
    };
  },
};

const conformance = [
  { kind: 'local', title: 'local', storeKind: 'file' },
  { kind: 's3', title: 's3', storeKind: 's3' },
  { kind: 'gcs', title: 'gcs (contract test: GCS JSON API served locally)', storeKind: 'gs' },
] as const;

describe.each(conformance)('artifact store conformance: $title', ({ kind, storeKind }) => {
  let f: Fixture;
  let store: ArtifactStore;
  beforeEach(async () => {
    f = await fixtures[kind]();
    store = f.store;
  });
  afterEach(async () => f.cleanup());

  it('reports its kind and a location', () => {
    expect(store.kind).toBe(storeKind);
    expect(store.location.length).toBeGreaterThan(0);
  });

  it('round-trips binary content containing every byte value', async () => {
    const data = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
    await store.put('bin/all-bytes', data);
    expect((await store.get('bin/all-bytes')).equals(data)).toBe(true);
  });

  it('round-trips an empty object', async () => {
    const info = await store.put('empty', Buffer.alloc(0));
    expect(info.size).toBe(0);
    expect(info.sha256).toBe(sha(''));
    expect((await store.get('empty')).length).toBe(0);
  });

  it('round-trips a 5 MiB object', async () => {
    const data = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const info = await store.put('big/model.bin', data);
    expect(info.size).toBe(data.length);
    expect((await store.get('big/model.bin')).equals(data)).toBe(true);
  });

  it('accepts string, Uint8Array and Readable bodies', async () => {
    await store.put('s.txt', 'héllo');
    await store.put('u.bin', new Uint8Array([1, 2, 3]));
    await store.put('r.bin', Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect((await store.get('s.txt')).toString('utf8')).toBe('héllo');
    expect([...(await store.get('u.bin'))]).toEqual([1, 2, 3]);
    expect((await store.get('r.bin')).toString()).toBe('abcd');
  });

  it('records the sha256 node:crypto computes, in put and stat', async () => {
    const data = Buffer.from('forecast weights v1');
    expect((await store.put('m.json', data)).sha256).toBe(sha(data));
    expect((await store.stat('m.json')).sha256).toBe(sha(data));
  });

  it('stat returns key, size, sha256 and modification time', async () => {
    const before = Date.now();
    await store.put('x/y.bin', Buffer.alloc(1234, 7));
    const info = await store.stat('x/y.bin');
    expect(info).toMatchObject({ key: 'x/y.bin', size: 1234, sha256: sha(Buffer.alloc(1234, 7)) });
    // S3's Last-Modified has one-second resolution.
    expect(info.modifiedAt.getTime()).toBeGreaterThanOrEqual(before - 2000);
    expect(info.modifiedAt.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
  });

  it('stat and get of a missing key throw FLEETCAST_NOT_FOUND naming the key', async () => {
    for (const error of [await caught(store.stat('nope/x')), await caught(store.get('nope/x'))]) {
      expect(error.code).toBe('FLEETCAST_NOT_FOUND');
      expect(error.message).toContain('nope/x');
      expect(error.hint).toBeTruthy();
    }
  });

  it('exists is true for stored objects only, not for their folders', async () => {
    await store.put('dir/file', 'x');
    expect(await store.exists('dir/file')).toBe(true);
    expect(await store.exists('dir')).toBe(false);
    expect(await store.exists('dir/other')).toBe(false);
  });

  it('lists every object under a prefix, nested folders included, sorted by key', async () => {
    const keys = ['b.txt', 'a/z.txt', 'c/d/e/f.txt', 'a/b/c.txt', 'a-1', 'a/b.txt'];
    for (const key of keys) await store.put(key, `content of ${key}`);
    const all = await store.list();
    expect(all.map((i) => i.key)).toEqual(['a-1', 'a/b.txt', 'a/b/c.txt', 'a/z.txt', 'b.txt', 'c/d/e/f.txt']);
    for (const info of all) expect(info.sha256).toBe(sha(`content of ${info.key}`));
    expect((await store.list('a/')).map((i) => i.key)).toEqual(['a/b.txt', 'a/b/c.txt', 'a/z.txt']);
    expect((await store.list('a/b')).map((i) => i.key)).toEqual(['a/b.txt', 'a/b/c.txt']);
    expect(await store.list('zzz/')).toEqual([]);
  });

  it('lists nothing in a new, empty store', async () => {
    expect(await store.list()).toEqual([]);
  });

  it('list excludes checksum sidecars, leftover temp files and folder markers', async () => {
    await store.put('a/real.bin', 'real');
    await f.leaveDebris();
    expect((await store.list()).map((i) => i.key)).toEqual(['a/real.bin']);
  });

  it('delete removes the object, and deleting again (or a missing key) is not an error', async () => {
    await store.put('gone/soon.bin', 'bye');
    await store.put('gone/stays.bin', 'hi');
    await store.delete('gone/soon.bin');
    await store.delete('gone/soon.bin');
    await store.delete('never/existed');
    expect(await store.exists('gone/soon.bin')).toBe(false);
    expect((await store.list()).map((i) => i.key)).toEqual(['gone/stays.bin']);
  });

  it('a put whose body stream fails stores nothing', async () => {
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from('first half'));
    setImmediate(() => failing.destroy(new Error('disk unplugged')));
    const error = await caught(store.put('partial/upload.bin', failing));
    expect(error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect(error.message).toContain('disk unplugged');
    expect(await store.exists('partial/upload.bin')).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('overwriting replaces content and checksum', async () => {
    await store.put('v.json', 'first');
    const info = await store.put('v.json', 'second, longer');
    expect(info.sha256).toBe(sha('second, longer'));
    expect((await store.get('v.json')).toString()).toBe('second, longer');
    expect(await store.stat('v.json')).toMatchObject({ size: 14, sha256: sha('second, longer') });
  });

  it.each(['../x', '/abs', 'a//b', 'a\\b', '', 'a/./b', 'a/', 'x\u0000y', '.fleetcast-meta/x', 'k'.repeat(1025)])(
    'rejects the bad key %j with FLEETCAST_INVALID_ARGUMENT',
    async (key) => {
      for (const call of [
        () => store.put(key, 'x'),
        () => store.get(key),
        () => store.stat(key),
        () => store.exists(key),
        () => store.delete(key),
      ]) {
        const error = await caught(call());
        expect(error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
        expect(error.message).toContain(JSON.stringify(key).slice(0, 40));
      }
    },
  );

  it('rejects a list prefix that climbs out of the store', async () => {
    expect((await caught(store.list('../'))).code).toBe('FLEETCAST_INVALID_ARGUMENT');
  });

  it('accepts a key of exactly 1024 bytes', async () => {
    const key = `${`${'k'.repeat(200)}/`.repeat(4)}${'k'.repeat(220)}`;
    expect(Buffer.byteLength(key)).toBe(1024);
    await store.put(key, 'long');
    expect((await store.get(key)).toString()).toBe('long');
  });

  it('get throws FLEETCAST_CHECKSUM_MISMATCH when the content changed behind the store', async () => {
    await store.put('model/weights.bin', 'original weights');
    await f.tamper('model/weights.bin', Buffer.from('tampered weights'));
    const error = await caught(store.get('model/weights.bin'));
    expect(error.code).toBe('FLEETCAST_CHECKSUM_MISMATCH');
    expect(error.message).toContain('model/weights.bin');
    expect(error.message).toContain(sha('original weights'));
    expect(error.message).toContain(sha('tampered weights'));
    expect(error.details).toMatchObject({ expected: sha('original weights'), actual: sha('tampered weights') });
  });

  it('concurrent puts of different keys all land intact', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `batch/${i % 4}/item-${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((key) => store.put(key, `payload ${key}`)));
    const listed = await store.list('batch/');
    expect(listed.map((i) => i.key)).toEqual([...keys].sort());
    for (const key of keys) expect((await store.get(key)).toString()).toBe(`payload ${key}`);
  });

  it('an object written by another tool is listed, stat-ed and read with a correct sha256', async () => {
    const data = Buffer.from('uploaded straight into the store');
    await f.writeForeign('hand/model.onnx', data);
    expect(await store.list('hand/')).toMatchObject([{ key: 'hand/model.onnx', size: data.length, sha256: sha(data) }]);
    expect((await store.stat('hand/model.onnx')).sha256).toBe(sha(data));
    expect((await store.get('hand/model.onnx')).equals(data)).toBe(true);
  });

  it('ping succeeds on a working store', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe('local artifact store', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.remove());

  it('ping creates a missing root folder', async () => {
    const store = new LocalArtifactStore(join(dir.path, 'new', 'root'));
    await store.ping();
    expect(readdirSync(join(dir.path, 'new', 'root'))).toEqual([]);
  });

  it('ping throws FLEETCAST_HOME_UNWRITABLE naming the folder when it cannot be created', async () => {
    writeFileSync(join(dir.path, 'a-file'), 'not a folder');
    const root = join(dir.path, 'a-file', 'root');
    const error = await caught(new LocalArtifactStore(root).ping());
    expect(error.code).toBe('FLEETCAST_HOME_UNWRITABLE');
    expect(error.hint).toContain(root);
  });

  it('put writes through a temp file and leaves no temp file or empty folder behind', async () => {
    const store = new LocalArtifactStore(dir.path);
    await store.put('a/b/c.bin', 'x');
    expect(readdirSync(join(dir.path, 'a', 'b'))).toEqual(['c.bin']);
    await store.delete('a/b/c.bin');
    expect(readdirSync(dir.path).filter((name) => name !== '.fleetcast-meta')).toEqual([]);
    expect(readdirSync(join(dir.path, '.fleetcast-meta'))).toEqual([]);
  });

  it('concurrent puts of one key leave a file that matches its checksum', async () => {
    const store = new LocalArtifactStore(dir.path);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.put('same', `version ${i}`)));
    expect((await store.get('same')).toString()).toMatch(/^version \d$/);
  });

  it('refuses a key that is already a folder of other objects', async () => {
    const store = new LocalArtifactStore(dir.path);
    await store.put('a/b', 'x');
    expect((await caught(store.put('a', 'y'))).code).toBe('FLEETCAST_INVALID_ARGUMENT');
    expect((await caught(store.put('a/b/c', 'y'))).code).toBe('FLEETCAST_INVALID_ARGUMENT');
  });
});

describe('S3 artifact store', () => {
  it('ping on a missing bucket throws FLEETCAST_NOT_FOUND with a hint to create it', async () => {
    const store = s3Store({ bucket: `missing-${uniqueSuffix()}` });
    const error = await caught(store.ping());
    expect(error.code).toBe('FLEETCAST_NOT_FOUND');
    expect(error.hint).toMatch(/create the bucket/i);
    await store.close();
  });

  it('ping with wrong credentials throws FLEETCAST_BACKEND_AUTH', async () => {
    const store = s3Store({ credentials: { accessKeyId: 'WRONG', secretAccessKey: 'WRONG' } });
    expect((await caught(store.ping())).code).toBe('FLEETCAST_BACKEND_AUTH');
    await store.close();
  });

  it('ping on a closed port throws FLEETCAST_BACKEND_UNREACHABLE within seconds', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    await new Promise((resolve) => probe.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no port');
    const store = s3Store({ endpoint: `http://127.0.0.1:${address.port}` });
    const started = Date.now();
    const error = await caught(store.ping());
    expect(error.code).toBe('FLEETCAST_BACKEND_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(10_000);
    await store.close();
  });

  it('pages through ListObjectsV2 with a small page size', async () => {
    // s3rver pages in the order it walks its folders, which matches key order only for keys like
    // these (no "a-1" beside "a/…"); real S3 pages in key order whatever the keys.
    const store = s3Store({ pageSize: 2 });
    const keys = ['p/1', 'p/2', 'p/3', 'q/1', 'q/2'];
    for (const key of keys) await store.put(key, key);
    expect((await store.list()).map((i) => i.key)).toEqual(keys);
    await store.close();
  });

  it('stores sharing a bucket under different prefixes do not see each other', async () => {
    const one = s3Store();
    const two = s3Store();
    await one.put('k', 'one');
    expect(await two.exists('k')).toBe(false);
    expect(await two.list()).toEqual([]);
    await Promise.all([one.close(), two.close()]);
  });
});

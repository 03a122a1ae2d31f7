import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalArtifactStore, S3ArtifactStore } from '../../src/core/artifacts/index.js';
import { newRunId } from '../../src/core/logging.js';
import { openMetadataStore } from '../../src/core/metadata/index.js';
import { registerFlavor, saveModel } from '../../src/models/index.js';
import { ModelRegistry, parseModelReference } from '../../src/registry/index.js';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.js';
import { createTempPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.js';

// These tests drive the registry and job machinery with a tiny `text-classifier` fixture flavor
// (below); the built-in text-classifier loader is kept from claiming the flavor in this file.
vi.mock('../../src/models/text/flavor.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/models/text/flavor.js')>()),
  registerTextClassifierFlavor: () => {},
}));

/**
 * A fixture flavor for this file: `text-classifier` models whose weights are a JSON word list. The
 * real text-classifier flavor belongs to the serve issue; this one only lets the registry prove that
 * registration loads what it stores.
 */
registerFlavor('text-classifier', (files) => {
  const words = JSON.parse(files.read('words.json').toString()) as string[];
  return {
    flavor: 'text-classifier',
    signature: files.manifest.signature,
    manifest: files.manifest,
    predict: async (batch: unknown) => (batch as string[]).map((text) => words.some((w) => text.includes(w))),
  };
});

const signature = {
  inputs: [{ name: 'text', type: 'string' as const }],
  outputs: [{ name: 'positive', type: 'bool' as const }],
};

function modelFolder(root: string, label: string, words: string[]): string {
  const dir = join(root, 'src', label);
  saveModel(dir, {
    flavor: 'text-classifier',
    signature,
    metrics: { accuracy: 0.9 },
    files: { 'words.json': JSON.stringify(words) },
  });
  return dir;
}

interface Target {
  name: string;
  open: () => Promise<{
    registry: ModelRegistry;
    tamper: (key: string) => Promise<void>;
    cleanup: () => Promise<void>;
  }>;
}

const postgresUrl = serviceUrl('postgres');
let s3: TestS3Server | undefined;
const targets: Target[] = [
  {
    name: 'sqlite + local folder',
    open: async () => {
      const dir = tempDir();
      const metadata = await openMetadataStore(`sqlite:${join(dir.path, 'm.sqlite')}`);
      const artifacts = new LocalArtifactStore(join(dir.path, 'artifacts'));
      const registry = new ModelRegistry({ metadata, artifacts, user: 'tester', cacheDir: join(dir.path, 'cache') });
      return {
        registry,
        // Rewrite the stored file and its checksum sidecar alike, as a careful attacker would.
        tamper: async (key) => {
          await artifacts.put(key, Buffer.from('["evil"]'));
        },
        cleanup: async () => {
          await metadata.close();
          dir.remove();
        },
      };
    },
  },
];
if (postgresUrl) {
  targets.push({
    name: 'postgres + s3',
    open: async () => {
      s3 ??= await startS3Server();
      const db = await createTempPostgresDatabase(postgresUrl);
      const dir = tempDir();
      const metadata = await openMetadataStore(db.url);
      const artifacts = new S3ArtifactStore({
        bucket: s3.bucket,
        prefix: `registry-${Date.now()}`,
        endpoint: s3.endpoint,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      const registry = new ModelRegistry({ metadata, artifacts, user: 'tester', cacheDir: join(dir.path, 'cache') });
      return {
        registry,
        tamper: async (key) => {
          await artifacts.put(key, Buffer.from('["evil"]'));
        },
        cleanup: async () => {
          await metadata.close();
          await artifacts.close();
          await db.drop();
          dir.remove();
        },
      };
    },
  });
}
afterAll(async () => {
  await s3?.close();
});

describe.each(targets)('model registry on $name', (target) => {
  let registry: ModelRegistry;
  let tamper: (key: string) => Promise<void>;
  let cleanup: () => Promise<void>;
  const work = tempDir();
  beforeAll(async () => {
    ({ registry, tamper, cleanup } = await target.open());
  });
  afterAll(async () => {
    await cleanup?.();
    work.remove();
  });

  it('registers versions 1, 2, … with checksums, metrics and who/when', async () => {
    const v1 = await registry.register('sentiment', modelFolder(work.path, 'a', ['good']), { tags: { team: 'ml' } });
    const v2 = await registry.register('sentiment', modelFolder(work.path, 'b', ['great']), { env: 'dev' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1.files['words.json']?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(v1).toMatchObject({
      flavor: 'text-classifier',
      metrics: { accuracy: 0.9 },
      tags: { team: 'ml' },
      createdBy: 'tester',
    });
    expect(v2.aliases).toEqual(['dev']);
    const shown = await registry.show('sentiment', 2);
    expect(shown.aliases).toEqual(['dev']);
    expect((await registry.list('sentiment')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('gives 50 concurrent registrations of one model versions 1…50, no gap, no duplicate', async () => {
    const folder = modelFolder(work.path, 'c', ['ok']);
    const versions = await Promise.all(Array.from({ length: 50 }, () => registry.register('busy', folder)));
    expect(versions.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('promotes through dev, staging and prod, rolls back, and keeps the whole history', async () => {
    const folder = modelFolder(work.path, 'd', ['fine']);
    for (let i = 0; i < 3; i++) await registry.register('cpu', folder);
    await registry.promote('cpu', 1, 'prod', 'first release');
    await registry.promote('cpu', 2, 'prod');
    await registry.promote('cpu', 3, 'prod');
    expect((await registry.resolve('cpu@prod')).version).toBe(3);
    await registry.rollback('cpu', 'prod', 'v3 regressed');
    expect((await registry.resolve('cpu@prod')).version).toBe(2);
    await registry.rollback('cpu', 'prod');
    expect((await registry.resolve('cpu@prod')).version).toBe(1);
    await expect(registry.rollback('cpu', 'prod')).rejects.toThrow(/no previous holder/);
    await registry.promote('cpu', 2, 'champion');
    const history = await registry.history('cpu');
    expect(history.map((h) => [h.alias, h.action, h.fromVersion, h.toVersion])).toEqual([
      ['prod', 'promote', null, 1],
      ['prod', 'promote', 1, 2],
      ['prod', 'promote', 2, 3],
      ['prod', 'rollback', 3, 2],
      ['prod', 'rollback', 2, 1],
      ['champion', 'promote', null, 2],
    ]);
    expect(history[0]).toMatchObject({ changedBy: 'tester', reason: 'first release' });
    expect(history[3]?.reason).toBe('v3 regressed');
  });

  it('resolves NAME, NAME:N and NAME@alias, and loads the predictor', async () => {
    expect((await registry.resolve('cpu')).version).toBe(3);
    expect((await registry.resolve('cpu:2')).version).toBe(2);
    expect((await registry.resolve('cpu@champion')).version).toBe(2);
    const { predictor, version } = await registry.load('sentiment@dev');
    expect(version.version).toBe(2);
    expect(await predictor.predict(['a great day', 'meh'])).toEqual([true, false]);
    await expect(registry.resolve('cpu@staging')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    await expect(registry.resolve('nobody')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    await expect(registry.resolve('cpu:99')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
  });

  it('downloads a version into a folder that loads on its own', async () => {
    const target = join(work.path, 'downloaded');
    await registry.download('sentiment:1', target);
    expect(JSON.parse(readFileSync(join(target, 'words.json'), 'utf8'))).toEqual(['good']);
  });

  it('refuses a version whose stored artifact was tampered with', async () => {
    await registry.register('guarded', modelFolder(work.path, 'e', ['safe']));
    await tamper('guarded/v1/words.json');
    await expect(registry.load('guarded:1')).rejects.toMatchObject({
      code: 'FLEETCAST_CHECKSUM_MISMATCH',
      message: expect.stringContaining('guarded:1 was altered after registration'),
    });
  });

  it('refuses to delete a version that holds an alias, deletes one that does not', async () => {
    await expect(registry.delete('cpu', 1)).rejects.toThrow(/holds @prod/);
    await registry.delete('cpu', 3);
    await expect(registry.show('cpu', 3)).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    // Version numbers are never reused.
    expect((await registry.register('cpu', modelFolder(work.path, 'f', ['x']))).version).toBe(4);
  });

  it('rejects a folder that does not load, and bad names, without taking a version', async () => {
    const broken = modelFolder(work.path, 'g', ['x']);
    writeFileSync(join(broken, 'words.json'), 'changed');
    await expect(registry.register('cpu', broken)).rejects.toMatchObject({ code: 'FLEETCAST_CHECKSUM_MISMATCH' });
    await expect(registry.register('Bad Name', broken)).rejects.toMatchObject({ code: 'FLEETCAST_INVALID_ARGUMENT' });
    expect((await registry.register('cpu', modelFolder(work.path, 'h', ['y']))).version).toBe(5);
  });
});

describe.each(targets)('train runs on $name', (target) => {
  it('registers the model a train run kept, by run id, naming the run as its source', async () => {
    const { registry, cleanup } = await target.open();
    const work = tempDir();
    try {
      const runId = newRunId();
      const folder = modelFolder(work.path, 'run', ['trained']);
      const run = await registry.recordTrainRun({
        id: runId,
        name: 'text',
        params: { data: 'x.csv' },
        modelDir: folder,
      });
      expect(run).toMatchObject({ id: runId, kind: 'train', status: 'completed', metrics: { accuracy: 0.9 } });
      rmSync(folder, { recursive: true }); // training's scratch folder is gone: the run's own copy registers
      const version = await registry.registerFromRun('from-run', runId, { env: 'dev' });
      expect(version).toMatchObject({ version: 1, sourceRun: runId, source: `run ${runId}`, aliases: ['dev'] });
      expect(await (await registry.load('from-run@dev')).predictor.predict(['trained well'])).toEqual([true]);
      expect((await registry.registerFromRun('from-run', runId)).version).toBe(2);
      // A run's copy is not an upload: the watcher leaves it alone.
      expect(await registry.scanUploads()).toEqual([]);
      await expect(registry.registerFromRun('x', 'no-such-run')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
      await expect(registry.registerFromRun('x', '../etc')).rejects.toMatchObject({
        code: 'FLEETCAST_INVALID_ARGUMENT',
      });
    } finally {
      await cleanup();
      work.remove();
    }
  });
});

describe('model references', () => {
  it('parses NAME, NAME:N, NAME@alias and rejects the rest', () => {
    expect(parseModelReference('cpu')).toEqual({ name: 'cpu', latest: true });
    expect(parseModelReference('cpu:3')).toEqual({ name: 'cpu', version: 3 });
    expect(parseModelReference('cpu@prod')).toEqual({ name: 'cpu', alias: 'prod' });
    expect(parseModelReference('cpu@latest')).toEqual({ name: 'cpu', latest: true });
    for (const bad of ['cpu:0', 'cpu:x', 'cpu@Prod', 'a@b:1', 'UPPER', '']) {
      expect(() => parseModelReference(bad)).toThrow(expect.objectContaining({ code: 'FLEETCAST_INVALID_ARGUMENT' }));
    }
  });
});

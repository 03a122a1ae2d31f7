import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalArtifactStore } from '../../src/core/artifacts/index.js';
import { openMetadataStore } from '../../src/core/metadata/index.js';
import { MANIFEST_FILE, registerFlavor, saveModel } from '../../src/models/index.js';
import { ModelRegistry } from '../../src/registry/index.js';
import { createTempPostgresDatabase, serviceUrl, tempDir } from '../helpers/services.js';

// These tests drive the registry and job machinery with a tiny `text-classifier` fixture flavor
// (below); the built-in text-classifier loader is kept from claiming the flavor in this file.
vi.mock('../../src/models/text/flavor.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/models/text/flavor.js')>()),
  registerTextClassifierFlavor: () => {},
}));

// Fixture flavor, as in registry.test.ts: the real text classifier arrives with serve.
registerFlavor('text-classifier', (files) => ({
  flavor: 'text-classifier',
  signature: files.manifest.signature,
  manifest: files.manifest,
  predict: async (batch: unknown) => batch,
}));

const signature = {
  inputs: [{ name: 'text', type: 'string' as const }],
  outputs: [{ name: 'label', type: 'string' as const }],
};

interface Target {
  name: string;
  databaseUrl: () => Promise<{ url: string; drop: () => Promise<void> }>;
}
const postgresUrl = serviceUrl('postgres');
const targets: Target[] = [
  { name: 'sqlite', databaseUrl: async () => ({ url: 'sqlite::memory:', drop: async () => {} }) },
];
if (postgresUrl) targets.push({ name: 'postgres', databaseUrl: () => createTempPostgresDatabase(postgresUrl) });

describe.each(targets)('registration on upload ($name)', (target) => {
  const dir = tempDir();
  let artifacts: LocalArtifactStore;
  let registries: ModelRegistry[];
  let close: () => Promise<void>;

  /** Copies a saved model folder into the store by hand, as `aws s3 cp` or a notebook would. */
  async function upload(prefix: string, words: string[]): Promise<void> {
    const local = join(dir.path, 'made', prefix.replaceAll('/', '_'));
    saveModel(local, { flavor: 'text-classifier', signature, files: { 'words.json': JSON.stringify(words) } });
    for (const file of readdirSync(local)) await artifacts.put(`${prefix}/${file}`, readFileSync(join(local, file)));
  }

  beforeAll(async () => {
    const database = await target.databaseUrl();
    // Two registries on the same stores: two workers scanning the same bucket. On PostgreSQL each has
    // its own pool; an embedded SQLite file has one connection per process, so they share it.
    const embedded = database.url === 'sqlite::memory:';
    const url = embedded ? `sqlite:${join(dir.path, 'm.sqlite')}` : database.url;
    const first = await openMetadataStore(url);
    const stores = [first, embedded ? first : await openMetadataStore(url)];
    artifacts = new LocalArtifactStore(join(dir.path, 'artifacts'));
    registries = stores.map(
      (metadata, i) =>
        new ModelRegistry({ metadata, artifacts, user: `worker-${i}`, cacheDir: join(dir.path, `cache-${i}`) }),
    );
    close = async () => {
      await Promise.all([...new Set(stores)].map((s) => s.close()));
      await database.drop();
      dir.remove();
    };
  });
  afterAll(async () => close?.());

  it('registers a v{N} folder written straight into the store as version N, once', async () => {
    await upload('churn/v3', ['a']);
    const first = await registries[0]!.scanUploads();
    expect(first).toEqual([
      { manifestKey: `churn/v3/${MANIFEST_FILE}`, name: 'churn', status: 'registered', version: 3 },
    ]);
    expect(await registries[0]!.scanUploads()).toEqual([]);
    expect(await registries[1]!.scanUploads()).toEqual([]);
    const version = await registries[1]!.show('churn', 3);
    expect(version.source).toBe(`upload:churn/v3/${MANIFEST_FILE}`);
    // The counter moved past the adopted number.
    expect((await registries[0]!.register('churn', join(dir.path, 'made', 'churn_v3'))).version).toBe(4);
    expect(await registries[0]!.scanUploads()).toEqual([]);
  });

  it('registers any other folder with a manifest as the next version, once, even with two scanners', async () => {
    await upload('churn/from-notebook', ['b']);
    await upload('fresh/upload-1', ['c']);
    const [a, b] = await Promise.all([registries[0]!.scanUploads(), registries[1]!.scanUploads()]);
    const outcomes = [...a, ...b].sort((x, y) => x.name.localeCompare(y.name));
    expect(outcomes.map((o) => [o.name, o.status, o.version])).toEqual([
      ['churn', 'registered', 5],
      ['fresh', 'registered', 1],
    ]);
    for (let i = 0; i < 3; i++) expect(await registries[i % 2]!.scanUploads()).toEqual([]);
    expect((await registries[0]!.list('churn')).map((v) => v.version)).toEqual([3, 4, 5]);
    const { predictor } = await registries[1]!.load('fresh');
    expect(predictor.flavor).toBe('text-classifier');
  });

  it('rejects a damaged upload once, with the reason, and never retries it', async () => {
    await upload('broken/v1', ['d']);
    await artifacts.put('broken/v1/words.json', 'not what the manifest says');
    const outcomes = await registries[0]!.scanUploads();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      name: 'broken',
      status: 'rejected',
      reason: expect.stringMatching(/checksum/),
    });
    expect(await registries[1]!.scanUploads()).toEqual([]);
    await expect(registries[0]!.resolve('broken')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
  });

  it('watches until aborted', async () => {
    await upload('watched/v1', ['e']);
    const controller = new AbortController();
    const seen: string[] = [];
    const watching = registries[0]!.watchUploads({
      intervalMs: 20,
      signal: controller.signal,
      onOutcome: (o) => {
        seen.push(`${o.name}:${o.version}`);
        controller.abort();
      },
    });
    await watching;
    expect(seen).toEqual(['watched:1']);
  });
});

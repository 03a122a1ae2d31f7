/**
 * Registry benchmark entries for `fleetcast bench`, on SQLite (reference) and PostgreSQL (subject),
 * each registry already holding 10,000 versions (100 models × 100):
 *   registry-lookup    alias lookups (`NAME@prod`). MLflow's tag search takes 0.5–0.85 s at hundreds
 *                      of models (facts §7); the goal here is under 10 ms a lookup (> 100 lookups/s).
 *   registry-register  registrations of new versions through `register`: the model loads, its
 *                      files are copied to the artifact store, the number is taken in a transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../core/artifacts/index.js';
import type { Benchmark, BenchSide } from '../core/bench/harness.js';
import { type MetadataStore, type ModelVersionsTable, openMetadataStore } from '../core/metadata/index.js';
import { createScratchDatabase } from '../core/postgres.js';
import { SeasonalNaive, saveForecaster } from '../models/index.js';
import { ModelRegistry } from './index.js';

const MODELS = 100;
const VERSIONS_PER_MODEL = 100;
const LOOKUPS = 2_000;
const REGISTRATIONS = 200;

type Scratch = () => Promise<{ url: string; drop: () => Promise<void> }>;

export function registryBenchmarks(options: { postgresUrl: string; scale?: number }): Benchmark[] {
  const scale = options.scale ?? 1;
  const lookups = Math.max(50, Math.round(LOOKUPS * scale));
  const registrations = Math.max(20, Math.round(REGISTRATIONS * scale));
  const sqlite: Scratch = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
    return { url: `sqlite:${join(dir, 'm.sqlite')}`, drop: async () => rmSync(dir, { recursive: true }) };
  };
  const postgres: Scratch = () => createScratchDatabase(options.postgresUrl, 'fleetcast_bench');
  const versions = (MODELS * VERSIONS_PER_MODEL).toLocaleString('en-US');
  return [
    {
      name: 'registry-lookup',
      description: `${lookups} alias lookups (NAME@prod) among ${versions} registered versions (goal < 10 ms each)`,
      unit: 'lookups/s',
      reference: registrySide('sqlite', sqlite, (registry) => lookup(registry, lookups)),
      subject: registrySide('postgres', postgres, (registry) => lookup(registry, lookups)),
    },
    {
      name: 'registry-register',
      description: `${registrations} registrations of a small model (load, checksums, copy, numbering) among ${versions} versions`,
      unit: 'registrations/s',
      reference: registrySide('sqlite', sqlite, (registry, model) => register(registry, model, registrations)),
      subject: registrySide('postgres', postgres, (registry, model) => register(registry, model, registrations)),
    },
  ];
}

let lookupsDone = 0;

async function lookup(registry: ModelRegistry, lookups: number): Promise<number> {
  for (let i = 0; i < lookups; i++) {
    const version = await registry.resolve(`model-${(lookupsDone++ * 7919) % MODELS}@prod`);
    if (version.version !== VERSIONS_PER_MODEL) throw new Error(`lookup returned version ${version.version}`);
  }
  return lookups;
}

async function register(registry: ModelRegistry, model: string, registrations: number): Promise<number> {
  for (let i = 0; i < registrations; i++) await registry.register(`model-${i % MODELS}`, model);
  return registrations;
}

/** A registry on a scratch metadata store seeded with 10,000 versions, and a local artifact folder. */
function registrySide(
  label: string,
  scratch: Scratch,
  work: (registry: ModelRegistry, model: string) => Promise<number>,
): BenchSide {
  return {
    label,
    open: async () => {
      let place: { url: string; drop: () => Promise<void> };
      try {
        place = await scratch();
      } catch (error) {
        return { skip: (error as Error).message };
      }
      const metadata = await openMetadataStore(place.url);
      const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
      await seed(metadata);
      const registry = new ModelRegistry({
        metadata,
        artifacts: new LocalArtifactStore(join(dir, 'artifacts')),
        user: 'bench',
        cacheDir: join(dir, 'cache'),
      });
      const naive = new SeasonalNaive();
      naive.fit(
        Array.from({ length: 48 }, (_, t) => 50 + 10 * Math.sin(t / 4)),
        { season: 24 },
      );
      saveForecaster(join(dir, 'model'), naive);
      return {
        iteration: () => work(registry, join(dir, 'model')),
        close: async () => {
          await metadata.close();
          rmSync(dir, { recursive: true, force: true });
          await place.drop();
        },
      };
    },
  };
}

/**
 * Fills the registry tables directly (one transaction): registering 10,000 versions through the
 * artifact store would measure file copies, not the lookup this entry is about.
 */
async function seed(metadata: MetadataStore): Promise<void> {
  const now = new Date().toISOString();
  await metadata.db.transaction().execute(async (tx) => {
    for (let m = 0; m < MODELS; m++) {
      const name = `model-${m}`;
      await tx
        .insertInto('registered_models')
        .values({ name, next_version: VERSIONS_PER_MODEL + 1, created_at: now, created_by: 'bench' })
        .execute();
      const rows: ModelVersionsTable[] = Array.from({ length: VERSIONS_PER_MODEL }, (_, v) => ({
        name,
        version: v + 1,
        flavor: 'forecaster',
        signature: '{"inputs":[],"outputs":[]}',
        files: '{}',
        size_bytes: 0,
        params: '{}',
        metrics: '{}',
        tags: '{}',
        source: 'bench',
        source_run: null,
        created_by: 'bench',
        created_at: now,
      }));
      await tx.insertInto('model_versions').values(rows).execute();
      await tx
        .insertInto('model_aliases')
        .values({ name, alias: 'prod', version: VERSIONS_PER_MODEL, updated_at: now })
        .execute();
    }
  });
}

/**
 * Registry benchmark entries for `fleetcast bench`: alias lookups at 10,000 registered versions, on
 * SQLite (reference) and PostgreSQL (subject). MLflow's tag search takes 0.5–0.85 s at hundreds of
 * models (facts §7); the goal here is under 10 ms a lookup, i.e. above 100 lookups/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalArtifactStore } from '../core/artifacts/index.js';
import type { Benchmark, BenchSide } from '../core/bench/harness.js';
import { type MetadataStore, type ModelVersionsTable, openMetadataStore } from '../core/metadata/index.js';
import { createScratchDatabase } from '../core/postgres.js';
import { ModelRegistry } from './index.js';

const MODELS = 100;
const VERSIONS_PER_MODEL = 100;
const LOOKUPS = 2_000;

export function registryBenchmarks(options: { postgresUrl: string; scale?: number }): Benchmark[] {
  const lookups = Math.max(50, Math.round(LOOKUPS * (options.scale ?? 1)));
  return [
    {
      name: 'registry-lookup',
      description: `${lookups} alias lookups (NAME@prod) among ${MODELS * VERSIONS_PER_MODEL} registered versions`,
      unit: 'lookups/s',
      reference: lookupSide(
        'sqlite',
        async () => {
          const dir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
          return { url: `sqlite:${join(dir, 'm.sqlite')}`, drop: async () => rmSync(dir, { recursive: true }) };
        },
        lookups,
      ),
      subject: lookupSide('postgres', () => createScratchDatabase(options.postgresUrl, 'fleetcast_bench'), lookups),
    },
  ];
}

function lookupSide(
  label: string,
  scratch: () => Promise<{ url: string; drop: () => Promise<void> }>,
  lookups: number,
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
      const artifactsDir = mkdtempSync(join(tmpdir(), 'fleetcast-bench-'));
      await seed(metadata);
      const registry = new ModelRegistry({
        metadata,
        artifacts: new LocalArtifactStore(artifactsDir),
        user: 'bench',
        cacheDir: artifactsDir,
      });
      let n = 0;
      return {
        iteration: async () => {
          for (let i = 0; i < lookups; i++) {
            const version = await registry.resolve(`model-${(n++ * 7919) % MODELS}@prod`);
            if (version.version !== VERSIONS_PER_MODEL) throw new Error(`lookup returned version ${version.version}`);
          }
          return lookups;
        },
        close: async () => {
          await metadata.close();
          rmSync(artifactsDir, { recursive: true, force: true });
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

/**
 * The model registry's public door: versions in the metadata store, files in the artifact store,
 * aliases with a full history, and loading by reference (`NAME@prod`, `NAME:3`, `NAME`).
 */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { type ArtifactStore, openArtifactStore } from '../core/artifacts/index.js';
import type { FleetcastConfig } from '../core/config/schema.js';
import { type MetadataStore, openMetadataStore } from '../core/metadata/index.js';
import type { Predictor } from '../models/index.js';
import { type AliasChange, history, promote, resolveReference, rollback } from './aliases.js';
import { downloadVersion, loadVersion } from './fetch.js';
import { assertVersion, parseModelReference } from './reference.js';
import { recordTrainRun, registerFromRun, type TrainRunInput } from './runs.js';
import { scanUploads, type UploadOutcome, watchUploads } from './uploads.js';
import {
  deleteVersion,
  getVersion,
  listVersions,
  type ModelVersion,
  type RegisterOptions,
  type RegistryContext,
  registerVersion,
} from './versions.js';

export type { AliasChange } from './aliases.js';
export * from './reference.js';
export { RUN_ARTIFACTS_ROOT, runModelPrefix, type TrainRunInput } from './runs.js';
export type { UploadOutcome } from './uploads.js';
export type { ModelVersion, RegisterOptions, RegistryContext } from './versions.js';

export class ModelRegistry {
  constructor(private readonly context: RegistryContext) {}

  register(name: string, dir: string, options?: RegisterOptions): Promise<ModelVersion> {
    return registerVersion(this.context, name, dir, options);
  }

  /** Registers the model a training run kept (see runs.ts); the version's source run is that run. */
  registerFromRun(name: string, runId: string, options?: RegisterOptions): Promise<ModelVersion> {
    return registerFromRun(this.context, name, runId, options);
  }

  /** Records a finished training run and keeps its model folder, for `register --from-run`. */
  recordTrainRun(input: TrainRunInput): ReturnType<typeof recordTrainRun> {
    return recordTrainRun(this.context, input);
  }

  list(name?: string): Promise<ModelVersion[]> {
    return listVersions(this.context, name);
  }

  show(name: string, version: number | string): Promise<ModelVersion> {
    return getVersion(this.context, name, assertVersion(version));
  }

  /** The version a reference (`NAME@alias`, `NAME:3`, `NAME`) names now. */
  resolve(reference: string): Promise<ModelVersion> {
    return resolveReference(this.context, parseModelReference(reference));
  }

  promote(name: string, version: number | string, alias: string, reason?: string): Promise<AliasChange> {
    return promote(this.context, name, assertVersion(version), alias, reason);
  }

  rollback(name: string, alias: string, reason?: string): Promise<AliasChange> {
    return rollback(this.context, name, alias, reason);
  }

  history(name: string): Promise<AliasChange[]> {
    return history(this.context, name);
  }

  async download(reference: string, target: string): Promise<string> {
    return downloadVersion(this.context, await this.resolve(reference), target);
  }

  /** Loads a version, verifying every file against the checksums recorded at registration. */
  async load(reference: string): Promise<{ version: ModelVersion; predictor: Predictor }> {
    const version = await this.resolve(reference);
    return { version, predictor: await loadVersion(this.context, version) };
  }

  delete(name: string, version: number | string): Promise<void> {
    return deleteVersion(this.context, name, assertVersion(version));
  }

  /** One pass of registration on upload (see uploads.ts). */
  scanUploads(): Promise<UploadOutcome[]> {
    return scanUploads(this.context);
  }

  watchUploads(options: Parameters<typeof watchUploads>[1]): Promise<void> {
    return watchUploads(this.context, options);
  }
}

export interface OpenRegistry {
  registry: ModelRegistry;
  metadata: MetadataStore;
  artifacts: ArtifactStore;
  close(): Promise<void>;
}

/** Opens the configured stores and a registry on them; `close()` closes both stores. */
export async function openRegistry(
  config: FleetcastConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpenRegistry> {
  const metadata = await openMetadataStore(config.databaseUrl);
  let artifacts: ArtifactStore;
  try {
    artifacts = await openArtifactStore(config.artifactsUrl, env);
  } catch (error) {
    await metadata.close();
    throw error;
  }
  const registry = new ModelRegistry({
    metadata,
    artifacts,
    user: currentUser(env),
    cacheDir: join(config.home, 'cache', 'models'),
  });
  return {
    registry,
    metadata,
    artifacts,
    close: async () => {
      await Promise.all([metadata.close(), artifacts.close()]);
    },
  };
}

function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return env.USER || env.USERNAME || userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export { registryBenchmarks } from './bench.js';

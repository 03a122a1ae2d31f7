/**
 * Training runs and their model folders. A run (`train`) is recorded in the metadata store's `runs`
 * table, and the model folder it produced is kept in the artifact store under `_runs/{run}/model/`,
 * so `models register NAME --from-run RUN` can register it later, from any host, even when training
 * wrote the model to a scratch folder that is gone. The leading `_` keeps these keys out of the model
 * namespace: no model name can start with it, and the upload watcher only looks at
 * `{model}/{folder}/fleetcast.json` (three segments), never at the four of a run's model.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { errorMessage, FleetcastError } from '../core/errors.js';
import { makeFolderSync } from '../core/folders.js';
import { createRun, finishRun, getRun, type Run } from '../core/metadata/index.js';
import { MANIFEST_FILE, readModel } from '../models/index.js';
import { type ModelVersion, type RegisterOptions, type RegistryContext, registerVersion } from './versions.js';

/** Where a run's outputs live in the artifact store. */
export const RUN_ARTIFACTS_ROOT = '_runs';

export function runModelPrefix(runId: string): string {
  return `${RUN_ARTIFACTS_ROOT}/${runId}/model/`;
}

export interface TrainRunInput {
  /** The run id (the CLI's run id, which the model's manifest names as its parent run). */
  id: string;
  /** What was trained, e.g. `forecast` or `performance`. */
  name: string;
  params: Record<string, unknown>;
  metrics?: Record<string, number>;
  /** The trained model folder (with its fleetcast.json); copied into the artifact store. */
  modelDir: string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Records a finished training run and keeps its model folder. The files are copied first and the
 * run is marked completed last, so a completed `train` run always has its whole model in the store.
 */
export async function recordTrainRun(context: RegistryContext, input: TrainRunInput): Promise<Run> {
  assertRunId(input.id);
  const { manifest } = readModel(input.modelDir); // verifies every checksum before anything is kept
  const prefix = runModelPrefix(input.id);
  const run = await createRun(context.metadata, {
    kind: 'train',
    id: input.id,
    name: input.name,
    params: { ...input.params, model_prefix: prefix, flavor: manifest.flavor },
  });
  try {
    for (const file of [...Object.keys(manifest.files), MANIFEST_FILE]) {
      await context.artifacts.put(`${prefix}${file}`, readFileSync(join(input.modelDir, file)));
    }
  } catch (error) {
    await finishRun(context.metadata, run.id, { status: 'failed', error: errorMessage(error) }).catch(() => {});
    throw error;
  }
  return finishRun(context.metadata, run.id, { status: 'completed', metrics: input.metrics ?? manifest.metrics });
}

/**
 * Registers the model a training run produced as the next version of `name`; the version's lineage
 * (`sourceRun`) names the run.
 */
export async function registerFromRun(
  context: RegistryContext,
  name: string,
  runId: string,
  options: RegisterOptions = {},
): Promise<ModelVersion> {
  const run = await getRun(context.metadata, assertRunId(runId));
  const prefix = typeof run.params.model_prefix === 'string' ? run.params.model_prefix : undefined;
  if (run.kind !== 'train' || prefix === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `run ${runId} is a ${run.kind} run with no model`, {
      hint: 'give the id of a train run (fleetcast train … --json prints it as run_id)',
    });
  }
  if (run.status !== 'completed') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `run ${runId} is ${run.status}, not completed`, {
      hint: run.error ? `it failed with: ${run.error}` : 'wait for the run to finish',
    });
  }
  const objects = await context.artifacts.list(prefix);
  if (!objects.some((object) => object.key === `${prefix}${MANIFEST_FILE}`)) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `the model of run ${runId} is missing from the artifact store`, {
      hint: `expected ${prefix}${MANIFEST_FILE}; the run was recorded against another artifact store, or its files were deleted`,
    });
  }
  const local = join(tmpdir(), `fleetcast-run-${randomBytes(6).toString('hex')}`);
  try {
    for (const object of objects) {
      const target = join(local, object.key.slice(prefix.length));
      makeFolderSync(dirname(target));
      writeFileSync(target, await context.artifacts.get(object.key)); // get verifies the stored sha256
    }
    return await registerVersion(context, name, local, {
      ...options,
      source: options.source ?? `run ${runId}`,
      sourceRun: runId,
    });
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
}

function assertRunId(id: string): string {
  if (!RUN_ID.test(id)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `run id "${id}" is not valid`, {
      hint: 'a run id is letters, digits, ".", "_" and "-", as fleetcast train prints it',
    });
  }
  return id;
}

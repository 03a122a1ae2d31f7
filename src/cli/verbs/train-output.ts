/**
 * Where every `fleetcast train` path puts its model: `--out DIR`, or a scratch folder removed after;
 * the run is recorded with its model either way (for `models register NAME --from-run RUN`), and
 * `--register NAME [--env E]` registers it at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openRegistry } from '../../registry/index.js';
import type { CliContext } from '../context.js';

export interface TrainOutputOptions {
  out?: string | undefined;
  register?: string | undefined;
  env?: string | undefined;
  /** The run's name (`forecast`, `performance`) and parameters, as recorded. */
  run: { name: string; params: Record<string, unknown> };
  /** Registry `source` text of a registered version. */
  source: string;
}

export interface TrainOutput {
  /** The model folder; gone after the call unless `--out` named it. */
  modelDir: string;
  /** Whether the folder is scratch (no `--out`). */
  scratch: boolean;
  registered: { name: string; version: number } | undefined;
}

/** Saves the model with `save(dir)`, records the run, registers when asked. */
export async function saveTrainedModel(
  context: CliContext,
  options: TrainOutputOptions,
  save: (dir: string) => unknown,
): Promise<TrainOutput> {
  const scratch = options.out ? undefined : mkdtempSync(join(tmpdir(), 'fleetcast-train-'));
  const modelDir = scratch ? join(scratch, 'model') : resolve(context.io.cwd, options.out!);
  let registered: TrainOutput['registered'];
  try {
    await save(modelDir);
    const opened = await openRegistry(context.config(), context.io.env);
    try {
      await opened.registry.recordTrainRun({ id: context.runId, ...options.run, modelDir });
      if (options.register) {
        const version = await opened.registry.register(options.register, modelDir, {
          source: options.source,
          sourceRun: context.runId,
          ...(options.env ? { env: options.env } : {}),
        });
        registered = { name: version.name, version: version.version };
      }
    } finally {
      await opened.close();
    }
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  return { modelDir, scratch: scratch !== undefined, registered };
}

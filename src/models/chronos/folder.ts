/**
 * A Chronos-Bolt folder on disk, as Hugging Face holds it plus an ONNX export: `config.json`
 * (architectures ["ChronosBoltModelForForecasting"] and its `chronos_config`) beside `model.onnx`
 * or `onnx/model.onnx` (the optimum layout). Only local files are read: nothing here can download.
 * Each problem is named by file and field, because the folder is usually hand-assembled after an
 * export in Python.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { MANIFEST_FILE } from '../artifact/manifest.js';
import { checkQuantileLevels } from './quantiles.js';
import { CHRONOS_BOLT_ARCHITECTURE, CHRONOS_CONFIG_FILE } from './types.js';

/** Where the ONNX export may sit in the folder, in order of preference. */
export const CHRONOS_ONNX_LOCATIONS = ['model.onnx', 'onnx/model.onnx'] as const;

const LAYOUT_HINT = `a Chronos-Bolt folder holds ${CHRONOS_CONFIG_FILE} (from the Hugging Face repository) and ${CHRONOS_ONNX_LOCATIONS.join(' or ')}`;

const ChronosConfigSchema = z.looseObject({
  context_length: z.number().int().positive(),
  prediction_length: z.number().int().positive(),
  input_patch_size: z.number().int().positive(),
  input_patch_stride: z.number().int().positive(),
  quantiles: z.array(z.number().gt(0).lt(1)).min(2),
  use_reg_token: z.boolean().optional(),
});
export type ChronosBoltConfig = z.infer<typeof ChronosConfigSchema>;

export interface ChronosBoltFolder {
  dir: string;
  architecture: string;
  config: ChronosBoltConfig;
  /** config.json as read, kept in the model folder for the record. */
  configFile: Buffer;
  /** The ONNX file's path relative to `dir`, and its bytes. */
  onnxFile: string;
  onnx: Buffer;
}

function readConfigJson(dir: string): { raw: Record<string, unknown>; bytes: Buffer } | undefined {
  const path = join(dir, CHRONOS_CONFIG_FILE);
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${path} is not valid JSON: ${errorMessage(error)}`, {
      hint: 'copy config.json from the model repository again',
    });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${path} is not a JSON object`, { hint: LAYOUT_HINT });
  }
  return { raw: raw as Record<string, unknown>, bytes };
}

/**
 * Whether `dir` looks like a Chronos folder (and not a Fleetcast model folder): its config.json has a
 * `chronos_config` or names a Chronos architecture. Loose on purpose, so a broken Chronos folder is
 * refused by readChronosBoltFolder with the reason instead of as "not a model folder".
 */
export function isChronosBoltFolder(dir: string): boolean {
  if (!existsSync(dir) || !statSync(dir).isDirectory() || existsSync(join(dir, MANIFEST_FILE))) return false;
  try {
    const config = readConfigJson(dir);
    if (!config) return false;
    const architectures = config.raw.architectures;
    return (
      'chronos_config' in config.raw ||
      (Array.isArray(architectures) && architectures.some((a) => typeof a === 'string' && /chronos/i.test(a)))
    );
  } catch {
    return false;
  }
}

/** Reads and checks a Chronos-Bolt folder; `onnxFile` picks the export when there are several. */
export function readChronosBoltFolder(dir: string, options: { onnxFile?: string } = {}): ChronosBoltFolder {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${dir} is not a folder`, { hint: LAYOUT_HINT });
  }
  const config = readConfigJson(dir);
  const configPath = join(dir, CHRONOS_CONFIG_FILE);
  if (!config) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${dir} has no ${CHRONOS_CONFIG_FILE}`, { hint: LAYOUT_HINT });
  }
  const architectures = config.raw.architectures;
  const architecture = Array.isArray(architectures) ? architectures[0] : undefined;
  if (architecture !== CHRONOS_BOLT_ARCHITECTURE) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${configPath}: architectures is ${JSON.stringify(architectures ?? null)}, not ["${CHRONOS_BOLT_ARCHITECTURE}"]`,
      {
        hint: 'only Chronos-Bolt models (amazon/chronos-bolt-tiny, -mini, -small, -base) run here; original Chronos (T5ForConditionalGeneration) samples tokens and Chronos-2 has another interface',
      },
    );
  }
  const parsed = ChronosConfigSchema.safeParse(config.raw.chronos_config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['chronos_config', ...issue.path].join('.');
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${configPath}: ${field}: ${issue.message}`, {
      hint: 'chronos_config needs context_length, prediction_length, input_patch_size, input_patch_stride and quantiles',
    });
  }
  checkQuantileLevels(parsed.data.quantiles, `${configPath}: chronos_config.quantiles`);
  const candidates = options.onnxFile ? [options.onnxFile] : CHRONOS_ONNX_LOCATIONS;
  const onnxFile = candidates.find((file) => existsSync(join(dir, file)));
  if (!onnxFile) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${dir} has no ${candidates.join(' or ')}`, {
      hint: 'export the model to ONNX first (see docs/models.md, "Chronos-Bolt (zero-shot)")',
    });
  }
  // Exports over 2 GB keep their weights in a side file that a graph loaded from memory cannot find.
  for (const side of [`${onnxFile}_data`, `${onnxFile}.data`]) {
    if (existsSync(join(dir, side))) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${join(dir, onnxFile)} keeps its weights in ${side} (ONNX external data)`,
        { hint: 'export again as one file (Chronos-Bolt models are well under the 2 GB protobuf limit)' },
      );
    }
  }
  return {
    dir,
    architecture,
    config: parsed.data,
    configFile: config.bytes,
    onnxFile,
    onnx: readFileSync(join(dir, onnxFile)),
  };
}

/**
 * From a Hugging Face folder (what `optimum-cli export onnx --task text-classification` or the
 * Xenova/onnx-community repositories hold) to a Fleetcast model folder: the files transformers.js
 * needs are copied beside a `fleetcast.json` whose params carry the labels (normalised), the
 * token limit and the ONNX variant. The model is loaded and run once before anything is written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage, FleetcastError } from '../../../core/errors.js';
import { MANIFEST_FILE, type ModelManifest, saveModel } from '../../artifact/manifest.js';
import { labelsFromId2Label } from '../labels.js';
import { type HfOnnxParams, HfOnnxParamsSchema, TEXT_CLASSIFIER_SIGNATURE } from '../types.js';
import { hfOnnxEngine } from './engine.js';

export const HF_REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
const HF_OPTIONAL_FILES = ['special_tokens_map.json'] as const;
export const HF_ONNX_FILES = { fp32: 'onnx/model.onnx', q8: 'onnx/model_quantized.onnx' } as const;

const ConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  architectures: z.array(z.string()).optional(),
  id2label: z.record(z.string(), z.string()),
  max_position_embeddings: z.number().int().positive().optional(),
});
const TokenizerConfigSchema = z.looseObject({ model_max_length: z.number().optional() });

export interface SaveTextClassifierOptions {
  /** `fp32` (onnx/model.onnx, the default when present) or `q8` (onnx/model_quantized.onnx). */
  dtype?: 'fp32' | 'q8';
  /** Labels by class index, when config.json's id2label is wrong or generic. */
  labels?: string[];
  /** Tokens read per text; default min(model_max_length, max_position_embeddings). */
  maxTokens?: number;
  metrics?: Record<string, number>;
  lineage?: { datasetSha256?: string; parentRun?: string };
}

/** Whether `dir` is a Hugging Face ONNX text-classification folder (and not already a Fleetcast model). */
export function isHfTextClassifierFolder(dir: string): boolean {
  return (
    !existsSync(join(dir, MANIFEST_FILE)) &&
    HF_REQUIRED_FILES.every((file) => existsSync(join(dir, file))) &&
    Object.values(HF_ONNX_FILES).some((file) => existsSync(join(dir, file)))
  );
}

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
  const path = join(dir, file);
  if (!existsSync(path)) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${dir} has no ${file}`, {
      hint: `a Hugging Face text classifier folder holds ${HF_REQUIRED_FILES.join(', ')} and onnx/model.onnx`,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${path} is not valid JSON: ${errorMessage(error)}`, {
      hint: 'export the model again',
    });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      {
        hint: 'a text classification config.json names its classes in id2label',
      },
    );
  }
  return parsed.data;
}

/** The manifest params for a Hugging Face folder, without loading the model. */
export function hfOnnxParams(dir: string, options: SaveTextClassifierOptions = {}): HfOnnxParams {
  const config = readJson(dir, 'config.json', ConfigSchema);
  const tokenizerConfig = readJson(dir, 'tokenizer_config.json', TokenizerConfigSchema);
  readJson(dir, 'tokenizer.json', z.looseObject({ model: z.looseObject({}) }));
  const dtype = options.dtype ?? (existsSync(join(dir, HF_ONNX_FILES.fp32)) ? 'fp32' : 'q8');
  if (!existsSync(join(dir, HF_ONNX_FILES[dtype]))) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${dir} has no ${HF_ONNX_FILES[dtype]}`, {
      hint: 'export the model to ONNX (optimum-cli export onnx --task text-classification) or pick the other dtype',
    });
  }
  // Tokenizers without a limit say model_max_length = 1e30; the position table is the real one.
  const limits = [tokenizerConfig.model_max_length, config.max_position_embeddings, options.maxTokens].filter(
    (v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1e6,
  );
  if (limits.length === 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${dir}: the model states no token limit`, {
      hint: 'pass maxTokens (model_max_length and max_position_embeddings are both missing)',
    });
  }
  const source = Array.from(
    { length: Object.keys(config.id2label).length },
    (_, i) => config.id2label[String(i)] ?? '',
  );
  return HfOnnxParamsSchema.parse({
    kind: 'hf-onnx',
    dtype,
    labels: labelsFromId2Label(config.id2label, options.labels),
    source_labels: source,
    max_tokens: Math.floor(Math.min(...limits)),
    ...(config.model_type ? { model_type: config.model_type } : {}),
    ...(config.architectures?.[0] ? { architecture: config.architectures[0] } : {}),
  });
}

/**
 * Saves the Hugging Face folder `fromHfFolder` as a `text-classifier` model at `toDir` (which must
 * not exist), after loading it and classifying one sentence.
 */
export async function saveTextClassifier(
  fromHfFolder: string,
  toDir: string,
  options: SaveTextClassifierOptions = {},
): Promise<ModelManifest> {
  const params = hfOnnxParams(fromHfFolder, options);
  const engine = await hfOnnxEngine(fromHfFolder, params);
  try {
    await engine.classify(['Fleetcast checks that this model answers.']);
  } finally {
    await engine.dispose?.();
  }
  const files: Record<string, Buffer> = {};
  for (const file of [...HF_REQUIRED_FILES, HF_ONNX_FILES[params.dtype]]) {
    files[file] = readFileSync(join(fromHfFolder, file));
  }
  for (const file of HF_OPTIONAL_FILES) {
    if (existsSync(join(fromHfFolder, file))) files[file] = readFileSync(join(fromHfFolder, file));
  }
  return saveModel(toDir, {
    flavor: 'text-classifier',
    signature: TEXT_CLASSIFIER_SIGNATURE,
    params,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.lineage ? { lineage: options.lineage } : {}),
    files,
  });
}

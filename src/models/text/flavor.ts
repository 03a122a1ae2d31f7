/**
 * The `text-classifier` flavor (DESIGN.md): loads a model folder of either kind and answers rows of
 * `{text}` with `{label, score, scores, truncated, tokens, max_tokens}`. The manifest's params say
 * which kind; both share the input checks, so a bad row is refused the same way whatever runs it.
 */
import { FleetcastError } from '../../core/errors.js';
import { type FlavorLoader, loadModel, type Predictor, registerFlavor } from '../artifact/flavors.js';
import { hfOnnxEngineInThread } from './hf/engine-thread.js';
import { readTextRows, textProblem } from './input.js';
import { LEXICON_FILE, lexiconEngine } from './lexicon/engine.js';
import { TEXT_CLASSIFIER_KINDS, TextClassifierParamsSchema, type TextClassifierPredictor } from './types.js';

function readPin(content: Buffer, where: string): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: ${LEXICON_FILE} is not JSON`, {
      hint: 'write the model again with writeLexiconSentimentModel',
    });
  }
}

const loader: FlavorLoader = async (files) => {
  const parsed = TextClassifierParamsSchema.safeParse(files.manifest.params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${files.dir}: text-classifier params: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      {
        hint: `save the model with saveTextClassifier or writeLexiconSentimentModel (kinds: ${TEXT_CLASSIFIER_KINDS.join(', ')})`,
      },
    );
  }
  const params = parsed.data;
  const engine =
    params.kind === 'lexicon'
      ? lexiconEngine(params, readPin(files.read(LEXICON_FILE), files.dir), files.dir)
      : await hfOnnxEngineInThread(files.dir, params);
  const predictor: TextClassifierPredictor = {
    flavor: 'text-classifier',
    signature: files.manifest.signature,
    manifest: files.manifest,
    rowwise: true,
    kind: params.kind,
    labels: engine.labels,
    maxTokens: engine.maxTokens,
    accepts: (row) => textProblem(row.text),
    predict: async (batch) => engine.classify(readTextRows(batch)),
    ...(engine.logits ? { logits: engine.logits } : {}),
    dispose: async () => {
      await engine.dispose?.();
    },
  };
  // The registry holds loaders of any Predictor; this one's batch type is narrower by design.
  return predictor as unknown as Predictor;
};

/** Registers the loader (idempotent: the same function each time). */
export function registerTextClassifierFlavor(): void {
  registerFlavor('text-classifier', loader);
}

/** Loads a text-classifier folder (registering the flavor first). */
export async function loadTextClassifier(dir: string): Promise<TextClassifierPredictor> {
  registerTextClassifierFlavor();
  const predictor = await loadModel(dir);
  if (predictor.flavor !== 'text-classifier') {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${dir} holds a ${predictor.flavor} model, not a text classifier`,
      {
        hint: 'point at a text-classifier model folder',
      },
    );
  }
  return predictor as unknown as TextClassifierPredictor;
}

/**
 * Labels: Hugging Face configs name sentiment classes in many ways (`NEGATIVE`, `negative`, `neg`,
 * `LABEL_0`); callers get one vocabulary, POSITIVE / NEGATIVE / NEUTRAL. Labels that mean something
 * else (`toxic`, `5 stars`) are kept as the model names them.
 */
import { FleetcastError } from '../../core/errors.js';

export const POSITIVE = 'POSITIVE';
export const NEGATIVE = 'NEGATIVE';
export const NEUTRAL = 'NEUTRAL';

const SYNONYMS: Record<string, string> = {
  positive: POSITIVE,
  pos: POSITIVE,
  negative: NEGATIVE,
  neg: NEGATIVE,
  neutral: NEUTRAL,
  neu: NEUTRAL,
};

/** One label in the common vocabulary, or unchanged when it is not a sentiment label. */
export function normaliseLabel(label: string): string {
  return SYNONYMS[label.trim().toLowerCase()] ?? label;
}

/**
 * Labels by class index from config.json's `id2label`. Generic names (`LABEL_0`, `LABEL_1`[,
 * `LABEL_2`]) follow the SST-2 and TweetEval conventions: NEGATIVE, POSITIVE for two classes and
 * NEGATIVE, NEUTRAL, POSITIVE for three; pass `override` when a model orders them otherwise.
 */
export function labelsFromId2Label(id2label: Record<string, string>, override?: readonly string[]): string[] {
  const count = Object.keys(id2label).length;
  const source = Array.from({ length: count }, (_, i) => id2label[String(i)]);
  if (source.some((label) => label === undefined)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `config.json id2label must number its classes 0…${count - 1}`,
      {
        hint: 'fix id2label, e.g. {"0": "NEGATIVE", "1": "POSITIVE"}',
        details: { id2label },
      },
    );
  }
  let labels: string[];
  if (override) {
    if (override.length !== count) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${override.length} labels given for a model with ${count} classes`,
        { hint: 'give one label per class, in class order' },
      );
    }
    labels = override.map(normaliseLabel);
  } else if (source.every((label, i) => label === `LABEL_${i}`) && (count === 2 || count === 3)) {
    labels = count === 2 ? [NEGATIVE, POSITIVE] : [NEGATIVE, NEUTRAL, POSITIVE];
  } else {
    labels = (source as string[]).map(normaliseLabel);
  }
  if (new Set(labels).size !== labels.length) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `labels ${labels.join(', ')} are not distinct`, {
      hint: 'give distinct labels, in class order',
    });
  }
  return labels;
}

/** Probabilities from logits, stable for large values. */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

/** The winning label, its probability and every label's probability. */
export function pickLabel(
  labels: readonly string[],
  probabilities: readonly number[],
): { label: string; score: number; scores: Record<string, number> } {
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i]! > probabilities[best]!) best = i;
  return {
    label: labels[best]!,
    score: probabilities[best]!,
    scores: Object.fromEntries(labels.map((label, i) => [label, probabilities[i]!])),
  };
}

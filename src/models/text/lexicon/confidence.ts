/**
 * VADER's compound score c ∈ [−1, 1] to a label and a confidence. The label follows VADER's
 * published rule: c ≥ 0.05 POSITIVE, c ≤ −0.05 NEGATIVE, otherwise NEUTRAL. The confidence is a
 * softmax over three logits built from c with sharpness k (t = 0.05):
 *
 *   z_POSITIVE = k·c,   z_NEGATIVE = −k·c,   z_NEUTRAL = k·(2t − |c|)
 *
 * so the most probable label is exactly VADER's (z_POSITIVE = z_NEUTRAL at c = t), probabilities
 * grow monotonically with |c|, and they sum to 1. With k = 4: c = 0 → NEUTRAL 0.43; c = 0.2 →
 * POSITIVE 0.67; c = 0.5 → 0.96; c = 0.9 → 0.998. It is a fixed, documented mapping, not one fit on
 * labelled data: treat the score as a ranking of how clear-cut the lexicon finds a text.
 */
import { NEGATIVE, NEUTRAL, POSITIVE, pickLabel, softmax } from '../labels.js';

export const VADER_THRESHOLD = 0.05;
export const VADER_SHARPNESS = 4;
export const LEXICON_LABELS = [NEGATIVE, NEUTRAL, POSITIVE] as const;

export function compoundToPrediction(
  compound: number,
  options: { threshold?: number; sharpness?: number } = {},
): { label: string; score: number; scores: Record<string, number> } {
  const t = options.threshold ?? VADER_THRESHOLD;
  const k = options.sharpness ?? VADER_SHARPNESS;
  const c = Math.max(-1, Math.min(1, Number.isFinite(compound) ? compound : 0));
  const probabilities = softmax([-k * c, k * (2 * t - Math.abs(c)), k * c]);
  const label = c >= t ? POSITIVE : c <= -t ? NEGATIVE : NEUTRAL;
  const picked = pickLabel(LEXICON_LABELS, probabilities);
  // At exactly c = ±t two probabilities tie; VADER's rule (≥, ≤) decides, as documented.
  return { ...picked, label, score: picked.scores[label]! };
}

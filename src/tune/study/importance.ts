/**
 * Parameter importance by a simple variance decomposition (the correlation ratio η²): group the
 * completed trials by each parameter (categorical: by choice; numeric: into equal-count bins on the
 * sampler's internal scale, so log parameters are binned in log space), and take the share of the
 * loss variance that the group means explain. Cheaper and cruder than fANOVA: it looks at one
 * parameter at a time and ignores interactions, which is enough to say which knobs matter.
 */

import type { TrialRecord } from '../samplers/index.js';
import { choiceIndex, type SearchSpace, sampledNames, toInternal } from '../space/index.js';

export interface ParamImportance {
  readonly name: string;
  /** η² in [0, 1]: the share of the loss variance explained by this parameter alone. */
  readonly eta2: number;
  /** η² normalised so the parameters' importances sum to 1 (all 0 when nothing varies). */
  readonly importance: number;
}

/** Bins per numeric parameter; fewer when there are few trials (at least ~5 trials per bin). */
const MAX_BINS = 10;

export function paramImportance(space: SearchSpace, history: readonly TrialRecord[]): ParamImportance[] {
  const completed = history.filter((t) => t.state === 'completed' && t.loss !== undefined);
  const losses = completed.map((t) => t.loss!);
  const mean = losses.reduce((s, x) => s + x, 0) / Math.max(losses.length, 1);
  const total = losses.reduce((s, x) => s + (x - mean) ** 2, 0);
  const raw = sampledNames(space).map((name) => {
    if (completed.length < 2 || total === 0) return { name, eta2: 0 };
    const groups = groupsOf(space, name, completed);
    let between = 0;
    for (const members of groups) {
      if (members.length === 0) continue;
      const m = members.reduce((s, i) => s + losses[i]!, 0) / members.length;
      between += members.length * (m - mean) ** 2;
    }
    return { name, eta2: Math.min(1, between / total) };
  });
  const sum = raw.reduce((s, r) => s + r.eta2, 0);
  return raw
    .map((r) => ({ ...r, importance: sum === 0 ? 0 : r.eta2 / sum }))
    .sort((a, b) => b.importance - a.importance || (a.name < b.name ? -1 : 1));
}

/** Indices into `trials`, grouped by the parameter's choice or numeric bin. */
function groupsOf(space: SearchSpace, name: string, trials: readonly TrialRecord[]): number[][] {
  const d = space.params[name]!;
  if (d.type === 'categorical') {
    const groups: number[][] = d.choices.map(() => []);
    trials.forEach((t, i) => {
      groups[choiceIndex(d.choices, t.params[name]!)]?.push(i);
    });
    return groups;
  }
  if (d.type === 'fixed') return [trials.map((_, i) => i)];
  const coords = trials.map((t, i) => ({ i, y: toInternal(d, t.params[name]!.value as number) }));
  coords.sort((a, b) => a.y - b.y);
  const bins = Math.max(1, Math.min(MAX_BINS, Math.floor(trials.length / 5)));
  const groups: number[][] = Array.from({ length: bins }, () => []);
  // Equal-count bins, but equal values never straddle a boundary (ints repeat values).
  let bin = 0;
  coords.forEach((c, k) => {
    const target = Math.floor((k * bins) / coords.length);
    if (target > bin && c.y !== coords[k - 1]!.y) bin = target;
    groups[bin]!.push(c.i);
  });
  return groups;
}

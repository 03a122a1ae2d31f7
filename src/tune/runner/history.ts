/** A study's trials as the convergence plot and run results show them: number, state, loss. */
import type { Study } from '../study/index.js';

export interface TrialPoint {
  number: number;
  state: string;
  loss?: number;
}

export async function historyOf(study: Study): Promise<TrialPoint[]> {
  return (await study.history()).map((t) => ({
    number: t.number,
    state: t.state,
    ...(t.loss === undefined ? {} : { loss: t.loss }),
  }));
}

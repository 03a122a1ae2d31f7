/**
 * The ask → evaluate → tell loop in one process, for examples and tests. Evaluation backends with
 * workers, retries and back-pressure belong to the runner, not here.
 */
import { type PlainParams, toPlain } from '../../contracts/index.js';
import { errorMessage } from '../../core/errors.js';
import type { TrialRecord } from '../samplers/index.js';
import type { Study } from './types.js';

export interface OptimizeOptions {
  trials: number;
  /** Trials asked before any is told (exercises the constant liar); default 1. */
  batch?: number;
}

export async function optimize(
  study: Study,
  objective: (params: PlainParams) => number | Promise<number>,
  options: OptimizeOptions,
): Promise<TrialRecord | undefined> {
  const batch = Math.max(1, options.batch ?? 1);
  for (let done = 0; done < options.trials; ) {
    const asked = [];
    for (let i = 0; i < Math.min(batch, options.trials - done); i++) asked.push(await study.ask());
    for (const trial of asked) {
      try {
        const loss = await objective(toPlain(trial.params));
        if (Number.isFinite(loss)) {
          await study.tell({ trialId: trial.trialId, paramId: trial.paramId, status: 'completed', loss });
        } else {
          await study.tell({
            trialId: trial.trialId,
            paramId: trial.paramId,
            status: 'failed',
            error: `non-finite loss ${loss}`,
          });
        }
      } catch (error) {
        await study.tell({
          trialId: trial.trialId,
          paramId: trial.paramId,
          status: 'failed',
          error: errorMessage(error),
        });
      }
    }
    done += asked.length;
  }
  return study.best();
}

/**
 * In-memory study: the reference implementation of the Study interface, for tests, benchmarks
 * and one-process runs.
 */
import {
  ContractViolationError,
  paramId,
  sameTrialResult,
  type TrialResult,
  trialId,
  trialResult,
} from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { Sampler, TrialRecord } from '../samplers/index.js';
import type { SearchSpace } from '../space/index.js';
import type { AskedTrial, Study } from './types.js';

export interface MemoryStudyOptions {
  name: string;
  space: SearchSpace;
  sampler: Sampler;
}

export class MemoryStudy implements Study {
  readonly name: string;
  readonly space: SearchSpace;
  private readonly sampler: Sampler;
  private readonly trials: TrialRecord[] = [];
  private readonly byId = new Map<string, number>();
  private readonly results = new Map<string, TrialResult>();

  constructor(options: MemoryStudyOptions) {
    this.name = options.name;
    this.space = options.space;
    this.sampler = options.sampler;
  }

  async ask(): Promise<AskedTrial> {
    return this.askSync();
  }

  /** Synchronous ask, for callers (benchmarks, tight loops) that do not need the Promise. */
  askSync(): AskedTrial {
    const number = this.trials.length;
    const params = this.sampler.sample(this.space, { number, history: this.trials });
    const asked: AskedTrial = {
      trialId: trialId({ study: this.name, number, attempt: 0 }),
      number,
      paramId: paramId(params),
      params,
    };
    this.trials.push(Object.freeze({ ...asked, state: 'running' }));
    this.byId.set(asked.trialId, number);
    return asked;
  }

  async tell(result: TrialResult): Promise<void> {
    this.tellSync(result);
  }

  tellSync(input: TrialResult): void {
    let result: TrialResult;
    try {
      result = trialResult(input);
    } catch (error) {
      if (error instanceof ContractViolationError) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `invalid trial result: ${error.message}`, {
          hint: 'a completed trial needs a finite loss; failed and timeout trials carry none',
          details: { trialId: input.trialId },
        });
      }
      throw error;
    }
    const number = this.byId.get(result.trialId);
    if (number === undefined) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `study ${this.name} has no trial ${result.trialId}`, {
        hint: 'tell only trials that this study asked for',
        details: { trialId: result.trialId },
      });
    }
    const trial = this.trials[number]!;
    if (result.paramId !== trial.paramId) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `trial ${result.trialId} was asked with param id ${trial.paramId}, told ${result.paramId}`,
        {
          hint: 'report the param id the trial was asked with',
          details: { trialId: result.trialId },
        },
      );
    }
    const previous = this.results.get(result.trialId);
    if (previous) {
      if (sameTrialResult(previous, result)) return;
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `trial ${result.trialId} was already told a different result`,
        {
          hint: 'a trial is told once; retry an evaluation as a new trial',
          details: { trialId: result.trialId },
        },
      );
    }
    this.results.set(result.trialId, result);
    this.trials[number] = Object.freeze({
      ...trial,
      state: result.status,
      ...(result.loss === undefined ? {} : { loss: result.loss }),
    });
  }

  async best(): Promise<TrialRecord | undefined> {
    return this.bestSync();
  }

  bestSync(): TrialRecord | undefined {
    let best: TrialRecord | undefined;
    for (const t of this.trials) {
      if (t.state === 'completed' && (best === undefined || t.loss! < best.loss!)) best = t;
    }
    return best;
  }

  async history(): Promise<readonly TrialRecord[]> {
    return [...this.trials];
  }

  /** The stored result of a told trial (with diagnostics), if any. */
  result(id: string): TrialResult | undefined {
    return this.results.get(id);
  }
}

/**
 * How studies and trials are written to and read from the metadata store's text columns: the
 * search space and parameter sets as JSON with their value types kept, results rebuilt from rows.
 */
import {
  ContractViolationError,
  type JsonValue,
  type ParamSet,
  type ParamValue,
  paramSet,
  type TrialResult,
  trialResult,
  typedValue,
} from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import type { TrialRowState, TrialsTable } from '../../core/metadata/index.js';
import type { TrialRecord, TrialState } from '../samplers/index.js';
import { type Distribution, type SearchSpace, searchSpace } from '../space/index.js';

/** Canonical text of a space: names are sorted, so equal spaces give equal text. */
export function spaceToJson(space: SearchSpace): string {
  return JSON.stringify(space.names.map((name) => [name, space.params[name]]));
}

export function spaceFromJson(text: string): SearchSpace {
  const entries = JSON.parse(text) as Array<[string, Distribution]>;
  const params: Record<string, Distribution> = {};
  for (const [name, d] of entries) {
    if (d.type === 'categorical') {
      params[name] = Object.freeze({ type: 'categorical', choices: Object.freeze(d.choices.map(revive)) });
    } else if (d.type === 'fixed') {
      params[name] = Object.freeze({ type: 'fixed', value: revive(d.value) });
    } else {
      params[name] = Object.freeze({ ...d });
    }
  }
  return searchSpace(params);
}

function revive(v: ParamValue): ParamValue {
  return typedValue(v.type, v.value);
}

export function paramsToJson(params: ParamSet): string {
  return JSON.stringify(params);
}

export function paramsFromJson(text: string): ParamSet {
  return paramSet(JSON.parse(text) as Record<string, ParamValue>);
}

export function leaseMs(value: TrialsTable['lease_expires_at']): number | undefined {
  return value === null ? undefined : Number(value);
}

/** A stored attempt as the sampler sees it: a queued re-attempt is still pending, so `running`. */
export function trialState(state: TrialRowState): TrialState {
  return state === 'queued' || state === 'expired' ? 'running' : state;
}

export function isTold(state: TrialRowState): boolean {
  return state === 'completed' || state === 'failed' || state === 'timeout';
}

export function recordFromRow(row: TrialsTable, params: ParamSet = paramsFromJson(row.params)): TrialRecord {
  return Object.freeze({
    number: row.number,
    trialId: row.trial_id,
    paramId: row.param_id,
    params,
    state: trialState(row.state),
    ...(row.state === 'completed' && row.loss !== null ? { loss: Number(row.loss) } : {}),
  });
}

/** The result a told row records, for comparing a repeated tell with the first. */
export function resultFromRow(row: TrialsTable): TrialResult | undefined {
  if (!isTold(row.state)) return undefined;
  const status = row.state as TrialResult['status'];
  return {
    trialId: row.trial_id,
    paramId: row.param_id,
    status,
    ...(row.loss === null ? {} : { loss: Number(row.loss) }),
    ...(row.diagnostics === null
      ? {}
      : { diagnostics: JSON.parse(row.diagnostics) as { readonly [key: string]: JsonValue } }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

export function studyNotFound(name: string): FleetcastError {
  return new FleetcastError('FLEETCAST_NOT_FOUND', `no study named "${name}"`, {
    hint: 'check the name, and that the command uses the same metadata store (FLEETCAST_DATABASE_URL)',
    details: { study: name },
  });
}

/** Validates a told result, turning a contract violation into the catalogue's error. */
export function validResult(input: TrialResult): TrialResult {
  try {
    return trialResult(input);
  } catch (error) {
    if (error instanceof ContractViolationError) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `invalid trial result: ${error.message}`, {
        hint: 'a completed trial needs a finite loss; failed and timeout trials carry none',
        details: { trialId: input.trialId },
      });
    }
    throw error;
  }
}

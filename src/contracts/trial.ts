/**
 * Trial results: what a worker reports for one attempt at one parameter set.
 */
import { ContractViolationError } from './errors.js';

export const TRIAL_STATUSES = ['completed', 'failed', 'timeout'] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

/** Diagnostics are capped so a chatty simulation cannot bloat the store or the queue. */
export const MAX_DIAGNOSTICS_CHARS = 65_536;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface TrialResult {
  readonly trialId: string;
  readonly paramId: string;
  readonly status: TrialStatus;
  /** Finite for `completed`; absent otherwise (a failed trial has no loss to compare). */
  readonly loss?: number;
  /** Free-form JSON, at most MAX_DIAGNOSTICS_CHARS characters once serialised. */
  readonly diagnostics?: { readonly [key: string]: JsonValue };
  /** A one-line reason for `failed` or `timeout`. */
  readonly error?: string;
}

/** Validates a trial result and returns a frozen copy; throws ContractViolationError otherwise. */
export function trialResult(input: TrialResult): TrialResult {
  const { trialId, paramId, status, loss, diagnostics, error } = input;
  if (typeof trialId !== 'string' || trialId.length === 0)
    throw new ContractViolationError('trialId must be a non-empty string');
  if (typeof paramId !== 'string' || paramId.length === 0)
    throw new ContractViolationError('paramId must be a non-empty string');
  if (!(TRIAL_STATUSES as readonly string[]).includes(status)) {
    throw new ContractViolationError(`status must be one of ${TRIAL_STATUSES.join(', ')}, got ${String(status)}`);
  }
  if (status === 'completed') {
    if (typeof loss !== 'number' || !Number.isFinite(loss)) {
      throw new ContractViolationError(`a completed trial needs a finite loss, got ${String(loss)}`);
    }
  } else if (loss !== undefined) {
    throw new ContractViolationError(`a ${status} trial carries no loss`);
  }
  let frozenDiagnostics: TrialResult['diagnostics'];
  if (diagnostics !== undefined) {
    let text: string;
    try {
      text = JSON.stringify(diagnostics);
    } catch (cause) {
      throw new ContractViolationError(`diagnostics are not serialisable as JSON: ${String(cause)}`);
    }
    if (text.length > MAX_DIAGNOSTICS_CHARS) {
      throw new ContractViolationError(
        `diagnostics are ${text.length} JSON characters, the limit is ${MAX_DIAGNOSTICS_CHARS}`,
      );
    }
    // A parse of the serialised text is a deep copy that no caller can mutate afterwards.
    frozenDiagnostics = deepFreeze(JSON.parse(text) as { [key: string]: JsonValue });
  }
  return Object.freeze({
    trialId,
    paramId,
    status,
    ...(loss === undefined ? {} : { loss }),
    ...(frozenDiagnostics === undefined ? {} : { diagnostics: frozenDiagnostics }),
    ...(error === undefined ? {} : { error }),
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Structural equality of two results: what makes a repeated `tell` a no-op. */
export function sameTrialResult(a: TrialResult, b: TrialResult): boolean {
  return (
    a.trialId === b.trialId &&
    a.paramId === b.paramId &&
    a.status === b.status &&
    Object.is(a.loss, b.loss) &&
    a.error === b.error &&
    JSON.stringify(a.diagnostics) === JSON.stringify(b.diagnostics)
  );
}

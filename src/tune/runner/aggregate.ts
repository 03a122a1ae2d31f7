/**
 * Turning the settled replicate tasks of one trial into the one result that is told: the mean loss
 * of the replicates when all of them completed with a finite loss, a failure naming the first bad
 * replicate otherwise. A trial is one parameter set, so partial replicates are not averaged: that
 * would compare trials on different numbers of samples.
 */
import { type JsonValue, MAX_DIAGNOSTICS_CHARS, type TrialResult } from '../../contracts/index.js';
import { errorMessage } from '../../core/errors.js';
import type { AskedTrial } from '../study/index.js';
import type { ObjectiveOutput } from './types.js';

type Diagnostics = { [key: string]: JsonValue };

interface Parsed {
  loss: number;
  diagnostics?: Diagnostics;
}

export function parseOutput(output: unknown): Parsed | string {
  if (typeof output === 'number') return Number.isFinite(output) ? { loss: output } : `non-finite loss ${output}`;
  if (output !== null && typeof output === 'object' && 'loss' in output) {
    const { loss, diagnostics } = output as Exclude<ObjectiveOutput, number>;
    if (typeof loss !== 'number' || !Number.isFinite(loss)) return `non-finite loss ${String(loss)}`;
    return diagnostics === undefined ? { loss } : { loss, diagnostics };
  }
  return `the objective returned ${JSON.stringify(output)?.slice(0, 80)}, not a loss or { loss }`;
}

/**
 * With `combine`, the replicates' outputs are not losses but whatever the task returns (e.g. the
 * simulated values of a calibration); `combine` turns all of them into the one told loss, and a
 * throw becomes a failed trial.
 */
export function aggregate(
  trial: AskedTrial,
  settled: readonly PromiseSettledResult<unknown>[],
  combine?: (outputs: readonly unknown[]) => ObjectiveOutput,
): TrialResult {
  const base = { trialId: trial.trialId, paramId: trial.paramId };
  if (combine !== undefined) return combined(base, settled, combine);
  const parsed: Parsed[] = [];
  for (const [replicate, outcome] of settled.entries()) {
    const value = outcome.status === 'fulfilled' ? parseOutput(outcome.value) : errorMessage(outcome.reason);
    if (typeof value === 'string') {
      const prefix = settled.length > 1 ? `replicate ${replicate}: ` : '';
      return { ...base, status: 'failed', error: `${prefix}${value}` };
    }
    parsed.push(value);
  }
  const loss = parsed.reduce((s, p) => s + p.loss, 0) / parsed.length;
  const diagnostics = combineDiagnostics(parsed);
  return { ...base, status: 'completed', loss, ...(diagnostics === undefined ? {} : { diagnostics }) };
}

function combined(
  base: { trialId: string; paramId: string },
  settled: readonly PromiseSettledResult<unknown>[],
  combine: (outputs: readonly unknown[]) => ObjectiveOutput,
): TrialResult {
  const outputs: unknown[] = [];
  for (const [replicate, outcome] of settled.entries()) {
    if (outcome.status === 'rejected') {
      const prefix = settled.length > 1 ? `replicate ${replicate}: ` : '';
      return { ...base, status: 'failed', error: `${prefix}${errorMessage(outcome.reason)}` };
    }
    outputs.push(outcome.value);
  }
  let value: Parsed | string;
  try {
    value = parseOutput(combine(outputs));
  } catch (error) {
    value = errorMessage(error);
  }
  if (typeof value === 'string') return { ...base, status: 'failed', error: value };
  const diagnostics = capped(value.diagnostics);
  return { ...base, status: 'completed', loss: value.loss, ...(diagnostics === undefined ? {} : { diagnostics }) };
}

/** Diagnostics of a combined result, dropped (and counted) when over the cap. */
function capped(diagnostics: Diagnostics | undefined): Diagnostics | undefined {
  if (diagnostics === undefined) return undefined;
  const size = JSON.stringify(diagnostics).length;
  return size <= MAX_DIAGNOSTICS_CHARS ? diagnostics : { diagnostics_dropped_chars: size };
}

/** One replicate: its diagnostics as they are. Several: their losses, plus their diagnostics if they fit. */
function combineDiagnostics(parsed: readonly Parsed[]): Diagnostics | undefined {
  if (parsed.length === 1) {
    const only = parsed[0]!.diagnostics;
    if (only === undefined) return undefined;
    const size = JSON.stringify(only).length;
    // Over the cap, the result is still told: a loss must not be lost to a chatty objective.
    return size <= MAX_DIAGNOSTICS_CHARS ? only : { diagnostics_dropped_chars: size };
  }
  const losses = parsed.map((p) => p.loss);
  const all: Diagnostics = { replicate_losses: losses };
  if (parsed.some((p) => p.diagnostics !== undefined)) {
    all.replicates = parsed.map((p) => p.diagnostics ?? null);
    if (JSON.stringify(all).length > MAX_DIAGNOSTICS_CHARS) return { replicate_losses: losses };
  }
  return all;
}

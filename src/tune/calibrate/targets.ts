/**
 * Targets: what of a simulation is compared with what was observed, and how. A point target aligns
 * a simulated column with an observed one on a key (exact or as-of join) and scores them with one of
 * the losses; a summary target compares summary statistics of a simulated series with those of the
 * observed series, each statistic scaled by its observed size so that a level of 40 % and an
 * autocorrelation of 0.9 weigh alike. A calibration's loss is the weighted sum of its targets' losses.
 *
 * The work is split where the data lives: workers get a target's *probe* (what to read out of the
 * simulated tables, and the observed keys), return the aligned simulated values, and the coordinator
 * — which holds the observed values — turns the replicates' values into the loss.
 */
import type { JsonValue } from '../../contracts/index.js';
import { FleetcastError } from '../../core/errors.js';
import { align, type JoinKind } from './align.js';
import { LIKELIHOOD_LOSSES, type LossName, replicateLogLikelihoods, targetLoss } from './losses.js';
import { type StatName, seriesStats } from './summary.js';
import { column, type Key, keyText, normalizeKey, type SimulatedTables, TableError, toNumber } from './tables.js';

interface TargetBase {
  name: string;
  /** The simulated table the target reads. */
  table: string;
  loss: LossName;
  weight: number;
}

export interface PointTarget extends TargetBase {
  kind: 'points';
  key: string;
  value: string;
  join: JoinKind;
  tolerance?: number;
  observed: { keys: Key[]; values: number[]; trials?: number[] };
  /**
   * Applied to observed and simulated values before an MSE loss: `log1p` compares counts that span
   * orders of magnitude (an epidemic's rise and tail) on a relative scale, `sqrt` stabilises the
   * variance of Poisson counts.
   */
  transform?: ValueTransform;
  /** Beta prior of the beta-binomial loss; default (1, 1). */
  prior?: { alpha: number; beta: number };
}

export interface SummaryTarget extends TargetBase {
  kind: 'summary';
  time: string;
  value: string;
  stats: StatName[];
  /** The observed series' statistics, in `stats` order. */
  observed: { values: number[] };
}

export type CalibrationTarget = PointTarget | SummaryTarget;

export const VALUE_TRANSFORMS = ['none', 'log1p', 'sqrt'] as const;
export type ValueTransform = (typeof VALUE_TRANSFORMS)[number];

function transformValue(transform: ValueTransform | undefined): (v: number) => number {
  if (transform === 'log1p') return (v) => Math.log1p(Math.max(v, 0));
  if (transform === 'sqrt') return (v) => Math.sqrt(Math.max(v, 0));
  return (v) => v;
}

/** The JSON a worker needs to read one target out of a simulation's tables. */
export type TargetProbe =
  | {
      kind: 'points';
      name: string;
      table: string;
      key: string;
      value: string;
      join: JoinKind;
      tolerance?: number;
      keys: Key[];
    }
  | { kind: 'summary'; name: string; table: string; time: string; value: string; stats: StatName[] };

export function probeOf(target: CalibrationTarget): TargetProbe {
  const { kind, name, table, value } = target;
  if (target.kind === 'summary') return { kind: 'summary', name, table, time: target.time, value, stats: target.stats };
  return {
    kind,
    name,
    table,
    key: target.key,
    value,
    join: target.join,
    ...(target.tolerance === undefined ? {} : { tolerance: target.tolerance }),
    keys: target.observed.keys,
  } as TargetProbe;
}

/** In the worker: the simulated values of one target, aligned with the observed ones. */
export function measure(tables: SimulatedTables, probe: TargetProbe): number[] {
  if (probe.kind === 'points') return align(tables, probe, probe.keys);
  const times = column(tables, probe.table, probe.time).map((t, i) => {
    const key = normalizeKey(t);
    if (typeof key !== 'number') throw new TableError(`table "${probe.table}" row ${i}: ${probe.time} is not a time`);
    return key;
  });
  const values = column(tables, probe.table, probe.value).map((v, i) => {
    const x = toNumber(v);
    if (x === undefined) throw new TableError(`table "${probe.table}" row ${i}: ${probe.value} is not a finite number`);
    return x;
  });
  return seriesStats(times, values, probe.stats);
}

export interface TargetScore {
  loss: number;
  /** Per-replicate log-likelihoods (likelihood losses only). */
  logLikelihoods?: number[];
}

/** Statistic → scale: its observed size, so relative errors are compared (1 when observed is 0). */
function scales(observed: readonly number[]): number[] {
  return observed.map((v) => (v === 0 ? 1 : Math.abs(v)));
}

/** One target's unweighted loss from the replicates' aligned values (`replicates[r]`). */
export function scoreTarget(target: CalibrationTarget, replicates: readonly (readonly number[])[]): TargetScore {
  if (target.kind === 'summary') {
    const s = scales(target.observed.values);
    const observed = target.observed.values.map((v, k) => v / s[k]!);
    return {
      loss: targetLoss(
        target.loss,
        observed,
        replicates.map((values) => values.map((v, k) => v / s[k]!)),
      ),
    };
  }
  const options = {
    ...(target.observed.trials === undefined ? {} : { trials: target.observed.trials }),
    ...(target.prior === undefined ? {} : { prior: target.prior }),
  };
  if (target.transform !== undefined && target.transform !== 'none') {
    const f = transformValue(target.transform);
    return {
      loss: targetLoss(
        target.loss,
        target.observed.values.map(f),
        replicates.map((values) => values.map(f)),
      ),
    };
  }
  const loss = targetLoss(target.loss, target.observed.values, replicates, options);
  if (target.loss === 'binomial' || target.loss === 'beta_binomial') {
    return { loss, logLikelihoods: replicateLogLikelihoods(target.loss, target.observed.values, replicates, options) };
  }
  return { loss };
}

/**
 * The told result of one parameter set: Σ weight · loss over targets, from each replicate's output
 * (`outputs[r][t]`: replicate r's aligned values of target t), with each target's loss as diagnostics.
 */
export function scoreTargets(
  targets: readonly CalibrationTarget[],
  outputs: readonly (readonly (readonly number[])[])[],
): { loss: number; diagnostics: { [key: string]: JsonValue } } {
  let loss = 0;
  const perTarget: { [key: string]: JsonValue } = {};
  targets.forEach((target, t) => {
    const score = scoreTarget(
      target,
      outputs.map((replicate) => replicate[t]!),
    );
    loss += target.weight * score.loss;
    perTarget[target.name] = score.logLikelihoods
      ? { loss: score.loss, log_likelihoods: score.logLikelihoods }
      : { loss: score.loss };
  });
  return { loss, diagnostics: { targets: perTarget } };
}

export interface ObservedColumns {
  key: string;
  value: string;
  /** Column of trials per observation (likelihood losses), or a constant number of trials. */
  trials?: string | number;
}

function observedError(target: string, message: string, hint: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `target ${target}: ${message}`, {
    hint,
    details: { target },
  });
}

/** Keys, values (and trials) of a point target from observed rows; errors name the row. */
export function observedPoints(
  target: string,
  rows: readonly Record<string, unknown>[],
  columns: ObservedColumns,
): PointTarget['observed'] {
  if (rows.length === 0) throw observedError(target, 'the observed table has no rows', 'give observed data rows');
  for (const name of [columns.key, columns.value, ...(typeof columns.trials === 'string' ? [columns.trials] : [])]) {
    if (!(name in rows[0]!)) {
      throw observedError(
        target,
        `the observed table has no column "${name}"`,
        `its columns: ${Object.keys(rows[0]!).join(', ')}`,
      );
    }
  }
  const keys: Key[] = [];
  const values: number[] = [];
  const trials: number[] = [];
  const seen = new Set<Key>();
  rows.forEach((row, i) => {
    const key = normalizeKey(row[columns.key]);
    const value = toNumber(row[columns.value]);
    if (key === undefined)
      throw observedError(target, `observed row ${i + 1}: ${columns.key} is empty`, 'fill or drop the row');
    if (value === undefined) {
      throw observedError(
        target,
        `observed row ${i + 1}: ${columns.value} ${String(row[columns.value])} is not a finite number`,
        'fill or drop the row',
      );
    }
    if (seen.has(key))
      throw observedError(target, `observed ${columns.key} ${keyText(key)} appears twice`, 'one row per key');
    seen.add(key);
    keys.push(key);
    values.push(value);
    if (columns.trials !== undefined) {
      const n = typeof columns.trials === 'number' ? columns.trials : toNumber(row[columns.trials]);
      if (n === undefined || !(n >= value && n >= 0)) {
        throw observedError(
          target,
          `observed row ${i + 1}: ${value} successes out of ${n} trials`,
          'trials ≥ successes ≥ 0',
        );
      }
      trials.push(n);
    }
  });
  return { keys, values, ...(columns.trials === undefined ? {} : { trials }) };
}

/** The summary statistics of an observed series (rows with a time and a value column). */
export function observedSummary(
  target: string,
  rows: readonly Record<string, unknown>[],
  columns: { time: string; value: string; stats: readonly StatName[] },
): SummaryTarget['observed'] {
  const points: Array<{ t: number; v: number }> = [];
  rows.forEach((row, i) => {
    const t = normalizeKey(row[columns.time]);
    const v = toNumber(row[columns.value]);
    if (typeof t !== 'number' || v === undefined) {
      throw observedError(
        target,
        `observed row ${i + 1}: needs a time in ${columns.time} and a number in ${columns.value}`,
        'fill or drop the row',
      );
    }
    points.push({ t, v });
  });
  points.sort((a, b) => a.t - b.t);
  try {
    return {
      values: seriesStats(
        points.map((p) => p.t),
        points.map((p) => p.v),
        columns.stats,
      ),
    };
  } catch (error) {
    if (error instanceof TableError) throw observedError(target, error.message, 'give a longer observed series');
    throw error;
  }
}

/** Checks a target's loss fits its kind (summary targets compare statistics: MSE losses only). */
export function checkTargetLoss(target: CalibrationTarget): void {
  if (target.kind === 'summary' && LIKELIHOOD_LOSSES.includes(target.loss)) {
    throw observedError(
      target.name,
      `a summary target cannot use the ${target.loss} loss`,
      'use annealed_mse or mean_signal_mse',
    );
  }
  if (
    target.kind === 'points' &&
    LIKELIHOOD_LOSSES.includes(target.loss) &&
    target.transform !== undefined &&
    target.transform !== 'none'
  ) {
    throw observedError(
      target.name,
      `the ${target.loss} loss reads counts: it cannot take transform ${target.transform}`,
      'drop transform',
    );
  }
  if (target.kind === 'points' && LIKELIHOOD_LOSSES.includes(target.loss) && target.observed.trials === undefined) {
    throw observedError(
      target.name,
      `the ${target.loss} loss needs the number of trials`,
      'set trials: N or trials_col: COLUMN',
    );
  }
}

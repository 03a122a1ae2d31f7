/**
 * The calibration spec (`fleetcast calibrate --spec calib.yaml`):
 *
 *   kind: Calibration            # optional; apiVersion: fleetcast/v1 optional too
 *   study: seir-fit              # optional study name (resumed when it exists)
 *   module: fleetcast:seir       # or ./model.ts / ./model.js, relative to this file
 *   space:                       # the simulation's parameters (see space/parse.ts)
 *     beta: { type: float, low: 0.1, high: 2.0, transform: log }
 *     population: { type: fixed, value: 1000000 }
 *   targets:
 *     - name: incidence
 *       table: daily             # the simulated table
 *       observed: { file: observed.csv }    # or { table: NAME } / { query: SELECT … }
 *       key: day                 # point target: join key …
 *       value: incidence         # … and value (observed_key / observed_value if named differently)
 *       join: exact              # or asof (tolerance: …)
 *       loss: mean_signal_mse    # annealed_mse | mean_signal_mse | binomial | beta_binomial
 *       transform: log1p         # none | log1p | sqrt (MSE losses)
 *       weight: 1
 *     - name: shape
 *       table: cpu
 *       observed: { file: cpu.csv }
 *       summary: [mean, daily_amplitude, p99]   # summary target: statistics of a series …
 *       time: timestamp          # … over time and value columns
 *       value: cpu
 *   sampler: cmaes               # or { name: cmaes, popsize: 5 }
 *   trials: 200
 *   replicates: 4
 *   seed: 1
 *   workers: 2                   # optional; --workers wins
 *   timeout_s: 60                # optional, per trial
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { LOSS_NAMES } from '../calibrate/losses.js';
import { resolveModuleUrl } from '../calibrate/module.js';
import { STAT_NAMES } from '../calibrate/summary.js';
import {
  type CalibrationTarget,
  checkTargetLoss,
  observedPoints,
  observedSummary,
  VALUE_TRANSFORMS,
} from '../calibrate/targets.js';
import { parseSearchSpace, type SearchSpace } from '../space/index.js';
import { type SamplerSettings, type SamplerSpec, samplerSpec } from '../study/index.js';
import { DataSourceSchema, describeSource, loadRows } from './data.js';
import { SamplerEntrySchema, SeedSchema, StudyNameSchema, samplerParts } from './sampler.js';
import { readSpecFile, validateSpec } from './yaml.js';

const common = {
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . -'),
  table: z.string().min(1),
  observed: DataSourceSchema,
  loss: z.enum(LOSS_NAMES).default('mean_signal_mse'),
  weight: z.number().positive().default(1),
  value: z.string().min(1),
  observed_value: z.string().min(1).optional(),
};

const PointTargetSchema = z.strictObject({
  ...common,
  key: z.string().min(1),
  observed_key: z.string().min(1).optional(),
  join: z.enum(['exact', 'asof']).default('exact'),
  tolerance: z.number().nonnegative().optional(),
  transform: z.enum(VALUE_TRANSFORMS).optional(),
  trials: z.number().int().positive().optional(),
  trials_col: z.string().min(1).optional(),
  prior: z.strictObject({ alpha: z.number().positive(), beta: z.number().positive() }).optional(),
});

const SummaryTargetSchema = z.strictObject({
  ...common,
  summary: z.array(z.enum(STAT_NAMES)).min(1),
  time: z.string().min(1),
  observed_time: z.string().min(1).optional(),
});

type TargetEntry = z.output<typeof PointTargetSchema> | z.output<typeof SummaryTargetSchema>;

export const CalibrationSpecSchema = z.strictObject({
  apiVersion: z.literal('fleetcast/v1').optional(),
  kind: z.literal('Calibration').optional(),
  study: StudyNameSchema.optional(),
  module: z.string().min(1),
  space: z.record(z.string(), z.unknown()),
  // Each target is validated on its own (summary or point, by the presence of `summary:`), so an
  // error names the field rather than "matches neither kind".
  targets: z.array(z.record(z.string(), z.unknown())).min(1),
  sampler: SamplerEntrySchema.default('tpe'),
  trials: z.number().int().positive().max(10_000_000),
  replicates: z.number().int().positive().max(10_000).default(1),
  seed: SeedSchema.default(0n),
  workers: z.number().int().positive().max(1024).optional(),
  timeout_s: z.number().positive().optional(),
});
export type CalibrationSpec = z.output<typeof CalibrationSpecSchema>;

export interface CalibrationPlan {
  source: string;
  study?: string;
  module: string;
  space: SearchSpace;
  targets: CalibrationTarget[];
  sampler: SamplerSpec;
  trials: number;
  replicates: number;
  seed: bigint;
  workers?: number;
  timeoutMs?: number;
}

const HINT = 'see docs/tune.md (calibration spec) or examples/calibrate/*.yaml';

/** Reads, validates and prepares a calibration spec: observed data loaded, targets built. */
export async function loadCalibrationSpec(path: string, warehouseUrl?: string): Promise<CalibrationPlan> {
  const source = resolve(path);
  const spec = validateSpec(CalibrationSpecSchema, readSpecFile(source), source, HINT);
  const baseDir = dirname(source);
  const names = new Set<string>();
  const targets: CalibrationTarget[] = [];
  for (const [i, raw] of spec.targets.entries()) {
    const t: TargetEntry =
      'summary' in raw
        ? validateSpec(SummaryTargetSchema, raw, `${source}: targets.${i}`, HINT)
        : validateSpec(PointTargetSchema, raw, `${source}: targets.${i}`, HINT);
    if (names.has(t.name)) throw specError(source, `targets.${i}.name`, `target "${t.name}" is named twice`);
    names.add(t.name);
    const rows = await loadRows(t.observed, baseDir, warehouseUrl);
    if (rows.length === 0)
      throw specError(source, `targets.${i}.observed`, `${describeSource(t.observed)} has no rows`);
    const base = { name: t.name, table: t.table, loss: t.loss, weight: t.weight, value: t.value };
    let target: CalibrationTarget;
    if ('summary' in t) {
      const observed = observedSummary(t.name, rows, {
        time: t.observed_time ?? t.time,
        value: t.observed_value ?? t.value,
        stats: t.summary,
      });
      target = { ...base, kind: 'summary', time: t.time, stats: t.summary, observed };
    } else {
      if (t.trials !== undefined && t.trials_col !== undefined) {
        throw specError(source, `targets.${i}`, 'give trials or trials_col, not both');
      }
      const trials = t.trials_col ?? t.trials;
      const observed = observedPoints(t.name, rows, {
        key: t.observed_key ?? t.key,
        value: t.observed_value ?? t.value,
        ...(trials === undefined ? {} : { trials }),
      });
      target = {
        ...base,
        kind: 'points',
        key: t.key,
        join: t.join,
        observed,
        ...(t.tolerance === undefined ? {} : { tolerance: t.tolerance }),
        ...(t.transform === undefined ? {} : { transform: t.transform }),
        ...(t.prior === undefined ? {} : { prior: t.prior }),
      };
    }
    checkTargetLoss(target);
    targets.push(target);
  }
  const { name, settings } = samplerParts(spec.sampler);
  return {
    source,
    ...(spec.study === undefined ? {} : { study: spec.study }),
    module: resolveModuleUrl(spec.module, baseDir),
    space: parseSearchSpace(spec.space),
    targets,
    sampler: samplerSpec(name, spec.seed, settings as SamplerSettings | undefined),
    trials: spec.trials,
    replicates: spec.replicates,
    seed: spec.seed,
    ...(spec.workers === undefined ? {} : { workers: spec.workers }),
    ...(spec.timeout_s === undefined ? {} : { timeoutMs: spec.timeout_s * 1000 }),
  };
}

function specError(source: string, path: string, message: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${path}: ${message}`, {
    hint: HINT,
    details: { path },
  });
}

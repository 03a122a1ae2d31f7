/**
 * The experiment runner: for each level not already in the output — set the load, wait out the
 * warm-up, poll every service every poll interval until the duration is over, write the level as one
 * batch, cool down. Whatever happens (an error, Ctrl-C), the load controller restores what it found.
 */
import { errorMessage, FleetcastError, isFleetcastError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import { createProgress } from '../../core/progress.js';
import { sleep } from '../durations.js';
import type { ClientStats, LoadController } from '../load/types.js';
import type { MetricsSource } from '../sources/types.js';
import { completedLevels, levelLabel, loadLevel, type PlannedLevel, planLevels } from './levels.js';
import type { CollectedRow, OutputSink } from './outputs.js';
import { closedLoopCheck, type PhysicsReport } from './physics.js';
import type { Experiment } from './spec.js';

export interface RunOptions {
  experiment: Experiment;
  source: MetricsSource;
  controller: LoadController;
  sinks: OutputSink[];
  logger?: Pick<Logger, 'info' | 'warn'>;
  progress?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  signal?: AbortSignal;
  /** The demo's known capacity, for the saturation figures of the physics report. */
  capacity?: number;
}

export interface SkippedLevel {
  users: number;
  level: string;
  reason: string;
}

export interface LevelClientStats extends ClientStats {
  users: number;
}

export interface RunSummary {
  experiment: string;
  source: MetricsSource['kind'];
  outputs: string[];
  /** Rows written by this run. */
  rows: number;
  /** Levels complete in the output after this run (measured now or before). */
  levels: number;
  levels_measured: number;
  levels_resumed: number;
  levels_skipped: SkippedLevel[];
  services: string[];
  seconds: number;
  physics?: PhysicsReport;
  client?: LevelClientStats[];
  /** Every row measured by this run (not printed; the caller may use them). */
  measured: CollectedRow[];
}

const MEASURE_CONCURRENCY = 4;

/** Errors after which the level is skipped when on_error says so; any other error stops the run. */
function skippable(error: unknown): boolean {
  return (
    isFleetcastError(error) &&
    ['FLEETCAST_NOT_FOUND', 'FLEETCAST_BACKEND_UNREACHABLE', 'FLEETCAST_BACKEND_ERROR'].includes(error.code)
  );
}

function cancelled(): FleetcastError {
  return new FleetcastError('FLEETCAST_TASK_CANCELLED', 'collection interrupted; the load was restored', {
    hint: 'complete levels are kept in the output: run the same command again to resume',
  });
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Services to measure: the listed ones, or those discovered (or already in the output), minus exclusions. */
async function resolveServices(options: RunOptions, fromOutput: string[]): Promise<string[]> {
  const { experiment, source, signal } = options;
  const exclude = new Set(experiment.services.exclude);
  let services =
    experiment.services.include ??
    (fromOutput.length > 0 ? fromOutput : await source.discover(experiment.namespace, signal));
  services = [...new Set(services)].filter((s) => !exclude.has(s)).sort();
  if (services.length === 0) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `no services to measure in namespace "${experiment.namespace}"`, {
      hint: 'list them under services.include, or check that the mesh reports traffic for the namespace',
      details: { excluded: [...exclude] },
    });
  }
  return services;
}

export async function runExperiment(options: RunOptions): Promise<RunSummary> {
  const { experiment, source, controller, sinks, signal } = options;
  const started = Date.now();
  const planned = planLevels(experiment);
  const written = await Promise.all(sinks.map((sink) => sink.existing()));
  const fromOutput = [...new Set(written.flat().map((r) => r.service))].sort();
  // Discovery needs traffic, so it waits for the first level unless the services are known or a
  // level scales "every service" before any traffic.
  const early =
    experiment.services.include !== undefined ||
    fromOutput.length > 0 ||
    planned.some((level) => typeof level.replicas === 'number');
  let services = early ? await resolveServices(options, fromOutput) : [];
  // A level counts as done only when every output holds it.
  const done = (list: string[]) => {
    const perSink = written.map((rows) => completedLevels(planned, rows, list));
    return new Set(planned.map((l) => l.index).filter((index) => perSink.every((set) => set.has(index))));
  };
  const resumed = early ? done(services) : new Set<number>();
  const todo = planned.filter((level) => !resumed.has(level.index));
  const summary: RunSummary = {
    experiment: experiment.name,
    source: source.kind,
    outputs: sinks.map((s) => s.target),
    rows: 0,
    levels: resumed.size,
    levels_measured: 0,
    levels_resumed: resumed.size,
    levels_skipped: [],
    services,
    seconds: 0,
    measured: [],
  };
  if (todo.length === 0) {
    options.logger?.info({ levels: planned.length }, 'every level is already in the output; nothing to do');
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }
  const levelSeconds = experiment.warm_up + experiment.duration + experiment.cool_down;
  const progress = createProgress({
    label: `collect ${experiment.name}`,
    total: Math.round(todo.length * levelSeconds),
    ...(options.progress ? { stream: options.progress } : {}),
  });
  const clientStats: LevelClientStats[] = [];
  await controller.prepare(signal);
  let failure: unknown;
  try {
    for (const [position, level] of todo.entries()) {
      if (signal?.aborted) throw cancelled();
      const base = position * levelSeconds;
      const tick = (phase: string, levelStart: number) =>
        progress.update(
          Math.min(base + (Date.now() - levelStart) / 1000, base + levelSeconds),
          `level ${level.index}/${planned.length} ${levelLabel(level)} ${phase}`,
        );
      try {
        const rows = await runLevel(options, level, services, tick, async () => {
          if (services.length === 0) {
            services = await resolveServices(options, fromOutput);
            summary.services = services;
          }
          return services;
        });
        for (const sink of sinks) await sink.writeLevel(rows);
        summary.measured.push(...rows);
        summary.rows += rows.length;
        summary.levels++;
        summary.levels_measured++;
        const stats = controller.takeStats?.();
        if (stats) {
          clientStats.push({ users: level.users, ...stats });
          if (stats.errors > 0) {
            options.logger?.warn(
              { level: levelLabel(level), errors: stats.errors, last: stats.lastError },
              'the load generator saw failed requests',
            );
          }
        }
        options.logger?.info({ level: levelLabel(level), rows: rows.length }, 'level written');
      } catch (error) {
        if (signal?.aborted) throw cancelled();
        if (experiment.on_error !== 'skip_level' || !skippable(error)) throw error;
        const reason = errorMessage(error);
        summary.levels_skipped.push({ users: level.users, level: levelLabel(level), reason });
        options.logger?.warn({ level: levelLabel(level), reason }, 'level skipped: nothing written for it');
      }
      if (experiment.cool_down > 0 && position < todo.length - 1) {
        const coolStart = Date.now() - (experiment.warm_up + experiment.duration) * 1000;
        const timer = setInterval(() => tick('cool-down', coolStart), 1000);
        await sleep(experiment.cool_down * 1000, signal);
        clearInterval(timer);
      }
    }
    if (signal?.aborted) throw cancelled();
  } catch (error) {
    failure = error;
  } finally {
    progress.done(failure === undefined ? undefined : 'stopped');
  }
  try {
    await controller.restore();
  } catch (error) {
    // Both matter: why the run stopped, and that the load is not back as it was.
    if (failure === undefined) throw error;
    throw new FleetcastError(
      isFleetcastError(failure) ? failure.code : 'FLEETCAST_BACKEND_ERROR',
      `${errorMessage(failure)}; then ${errorMessage(error)}`,
      { hint: isFleetcastError(error) ? (error.hint ?? '') : 'restore the load generator by hand', cause: failure },
    );
  }
  if (failure !== undefined) throw failure;
  if (experiment.physics) {
    const think =
      experiment.physics.think_time ??
      (experiment.controller.kind === 'local' ? experiment.controller.think_time : undefined);
    if (think !== undefined) {
      summary.physics = closedLoopCheck(summary.measured, experiment.physics.entry_service, think, options.capacity);
    }
  }
  if (clientStats.length > 0) summary.client = clientStats;
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

/** One level: apply, warm up, poll; returns its rows or throws (nothing is written then). */
async function runLevel(
  options: RunOptions,
  level: PlannedLevel,
  knownServices: string[],
  tick: (phase: string, levelStart: number) => void,
  services: () => Promise<string[]>,
): Promise<CollectedRow[]> {
  const { experiment, source, controller, signal } = options;
  const levelStart = Date.now();
  const deadline = levelStart + experiment.level_timeout * 1000;
  const timer = setInterval(
    () => tick(Date.now() - levelStart < experiment.warm_up * 1000 ? 'warm-up' : 'measuring', levelStart),
    1000,
  );
  try {
    tick('applying', levelStart);
    await controller.apply(loadLevel(level, knownServices), experiment.level_timeout * 1000, signal);
    const measureStart = Date.now();
    await sleep(experiment.warm_up * 1000, signal);
    const measured = await services();
    controller.takeStats?.();
    const polls = Math.floor(experiment.duration / experiment.poll_interval + 1e-9) + 1;
    const rows: CollectedRow[] = [];
    for (let k = 0; k < polls; k++) {
      await sleep(measureStart + (experiment.warm_up + k * experiment.poll_interval) * 1000 - Date.now(), signal);
      if (signal?.aborted) throw cancelled();
      if (Date.now() > deadline) {
        throw new FleetcastError(
          'FLEETCAST_BACKEND_ERROR',
          `level ${levelLabel(level)} timed out after ${experiment.level_timeout}s`,
          {
            hint: 'raise level_timeout, or shorten warm_up/duration; slow queries also count',
          },
        );
      }
      const at = Date.now() / 1000;
      const values = await mapLimited(measured, MEASURE_CONCURRENCY, (service) =>
        source.measure({
          service,
          namespace: experiment.namespace,
          at,
          window: experiment.window,
          ...(signal ? { signal } : {}),
        }),
      );
      measured.forEach((service, i) => {
        rows.push({ timestamp: at, service, users: level.users, values: values[i]! });
      });
    }
    return rows;
  } finally {
    clearInterval(timer);
  }
}

/**
 * The levels of an experiment, in order, and which of them an earlier run already completed.
 * A level is written only once complete, so any level found in the output is complete; it is
 * recognised by its user count and, when the level sets replicas, by the replicas measured for the
 * services it scaled.
 */
import { FleetcastError } from '../../core/errors.js';
import type { LoadLevel } from '../load/types.js';
import type { Experiment } from './spec.js';

export interface PlannedLevel {
  /** 1-based position in the experiment. */
  index: number;
  users: number;
  /** As written: one count for every measured service, or per service. */
  replicas?: number | Record<string, number>;
}

/** The experiment's levels, a range expanded. */
export function planLevels(experiment: Experiment): PlannedLevel[] {
  const spec = experiment.levels;
  const levels: Array<Omit<PlannedLevel, 'index'>> = [];
  if (Array.isArray(spec)) {
    for (const level of spec)
      levels.push(
        level.replicas === undefined ? { users: level.users } : { users: level.users, replicas: level.replicas },
      );
  } else {
    for (let users = spec.from; users <= spec.to; users += spec.step) {
      levels.push(spec.replicas === undefined ? { users } : { users, replicas: spec.replicas });
    }
  }
  const seen = new Set<string>();
  for (const level of levels) {
    const key = levelLabel(level);
    if (seen.has(key)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `levels: ${key} appears twice`, {
        hint: 'each level must differ in users or replicas, so a resumed run can tell them apart',
      });
    }
    seen.add(key);
  }
  return levels.map((level, i) => ({ index: i + 1, ...level }));
}

export function levelLabel(level: Pick<PlannedLevel, 'users' | 'replicas'>): string {
  if (level.replicas === undefined) return `users=${level.users}`;
  const replicas =
    typeof level.replicas === 'number'
      ? String(level.replicas)
      : Object.entries(level.replicas)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([s, n]) => `${s}:${n}`)
          .join(',');
  return `users=${level.users} replicas=${replicas}`;
}

/** What the controller applies: replicas resolved against the measured services. */
export function loadLevel(level: PlannedLevel, services: readonly string[]): LoadLevel {
  if (level.replicas === undefined) return { users: level.users };
  if (typeof level.replicas === 'number') {
    return { users: level.users, replicas: Object.fromEntries(services.map((s) => [s, level.replicas as number])) };
  }
  return { users: level.users, replicas: { ...level.replicas } };
}

/** One row already in the output, as far as recognising levels needs. */
export interface WrittenRow {
  service: string;
  users: number;
  replicas?: number;
}

/**
 * Levels of `planned` that `rows` already hold. Replicas are compared only when the level sets
 * them (and the output records them); levels are otherwise told apart by users alone.
 */
export function completedLevels(
  planned: readonly PlannedLevel[],
  rows: readonly WrittenRow[],
  services: readonly string[],
): Set<number> {
  const done = new Set<number>();
  for (const level of planned) {
    const atUsers = rows.filter((r) => r.users === level.users);
    if (atUsers.length === 0) continue;
    const wanted = loadLevel(level, services).replicas;
    if (!wanted) {
      done.add(level.index);
      continue;
    }
    const matches = Object.entries(wanted).every(([service, n]) => {
      const own = atUsers.filter((r) => r.service === service);
      return own.length > 0 && own.every((r) => r.replicas === undefined || r.replicas === n);
    });
    if (matches) done.add(level.index);
  }
  return done;
}

/**
 * Scheduled batch predictions: their definitions, and firing them from the metadata store alone. A
 * schedule is a cron expression in a time zone plus the `predict` options to run. Embedded,
 * `fleetcast worker` polls for due firings (`runDueSchedules`); with Redis, BullMQ job schedulers
 * fire them instead (schedule-bullmq.ts). Either way each firing is claimed by inserting its
 * `(schedule, fire_time)` row (schedule-runs.ts), so two workers never run the same firing twice. A
 * worker that was down over several firings runs only the latest one when it comes back.
 */
import { Cron } from 'croner';
import { errorMessage, FleetcastError } from '../core/errors.js';
import type { MetadataStore, SchedulesTable } from '../core/metadata/index.js';
import {
  claimAndRun,
  type FiringOptions,
  type PredictRunner,
  type PredictSpec,
  type ScheduleRun,
} from './schedule-runs.js';

export interface ScheduleInput {
  name: string;
  cron: string;
  timezone: string;
  predict: PredictSpec;
  retries: number;
  backoffMs: number;
}

export interface Schedule extends ScheduleInput {
  createdAt: string;
  createdBy: string;
  /** Next firing after now, ISO. */
  nextRun: string | null;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Parses the `--predict '…'` argument of `schedule add` into validated predict options. */
export function parsePredictArgs(text: string): PredictSpec {
  const tokens = text.match(/"[^"]*"|'[^']*'|\S+/g)?.map((t) => t.replace(/^(["'])(.*)\1$/, '$2')) ?? [];
  const values: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i += 2) {
    const flag = tokens[i]!;
    const value = tokens[i + 1];
    if (!['--model', '--from', '--to', '--key', '--batch-size'].includes(flag) || value === undefined) {
      throw new FleetcastError(
        'FLEETCAST_USAGE',
        `--predict: "${flag}"${value === undefined ? ' has no value' : ' is not a predict option'}`,
        {
          hint: `write e.g. --predict '--model cpu@prod --from metrics --to predictions'`,
        },
      );
    }
    values[flag.slice(2)] = value;
  }
  for (const required of ['model', 'from', 'to']) {
    if (!values[required]) {
      throw new FleetcastError('FLEETCAST_USAGE', `--predict needs --${required}`, {
        hint: `write e.g. --predict '--model cpu@prod --from metrics --to predictions'`,
      });
    }
  }
  const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new FleetcastError(
      'FLEETCAST_USAGE',
      `--predict: --batch-size "${values['batch-size']}" is not a positive integer`,
      {
        hint: 'e.g. --batch-size 5000',
      },
    );
  }
  return {
    model: values.model!,
    from: values.from!,
    to: values.to!,
    ...(values.key ? { key: values.key } : {}),
    ...(batchSize ? { batchSize } : {}),
  };
}

export async function addSchedule(metadata: MetadataStore, input: ScheduleInput, user: string): Promise<Schedule> {
  if (!NAME.test(input.name)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `schedule name "${input.name}" is not valid`, {
      hint: 'use lower-case letters, digits, ".", "_" and "-"',
    });
  }
  cronOf(input.cron, input.timezone); // validates both
  if (!Number.isInteger(input.retries) || input.retries < 0 || input.retries > 100) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `--retries ${input.retries} is not between 0 and 100`, {
      hint: 'e.g. --retries 3',
    });
  }
  const row: SchedulesTable = {
    name: input.name,
    cron: input.cron,
    timezone: input.timezone,
    kind: 'predict',
    spec: JSON.stringify(input.predict),
    retries: input.retries,
    backoff_ms: input.backoffMs,
    created_at: new Date().toISOString(),
    created_by: user,
  };
  const inserted = await metadata.db
    .insertInto('schedules')
    .values(row)
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `a schedule named ${input.name} exists`, {
      hint: `remove it first: fleetcast schedule remove ${input.name}`,
    });
  }
  return toSchedule(row);
}

export async function listSchedules(metadata: MetadataStore): Promise<Schedule[]> {
  const rows = await metadata.db.selectFrom('schedules').selectAll().orderBy('name').execute();
  return rows.map(toSchedule);
}

export async function removeSchedule(metadata: MetadataStore, name: string): Promise<void> {
  const result = await metadata.db.deleteFrom('schedules').where('name', '=', name).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw notFound(name);
}

/**
 * Fires every schedule that is due at `now` and not yet claimed; returns the runs this call made.
 * Safe to call from many workers at once: the unique firing row lets exactly one of them run it.
 */
export async function runDueSchedules(
  metadata: MetadataStore,
  runPredict: PredictRunner,
  options: FiringOptions & { now?: Date } = {},
): Promise<ScheduleRun[]> {
  const now = options.now ?? new Date();
  const runs: ScheduleRun[] = [];
  for (const row of await metadata.db.selectFrom('schedules').selectAll().orderBy('name').execute()) {
    const last = await metadata.db
      .selectFrom('schedule_runs')
      .select((eb) => eb.fn.max('fire_time').as('fire_time'))
      .where('schedule', '=', row.name)
      .where('trigger', '=', 'cron')
      .executeTakeFirst();
    const due = latestDueFiring(cronOf(row.cron, row.timezone), new Date(last?.fire_time ?? row.created_at), now);
    if (!due) continue;
    const run = await claimAndRun(metadata, row, due, 'cron', runPredict, options);
    if (run) runs.push(run);
  }
  return runs;
}

/** Runs a schedule now, outside its cron times (`schedule run NAME`). */
export async function runScheduleNow(
  metadata: MetadataStore,
  name: string,
  runPredict: PredictRunner,
  options: FiringOptions = {},
): Promise<ScheduleRun> {
  const row = await metadata.db.selectFrom('schedules').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw notFound(name);
  const run = await claimAndRun(metadata, row, new Date(), 'manual', runPredict, options);
  if (!run)
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `schedule ${name} was just started by another worker`, {
      hint: 'see schedule list --runs',
    });
  return run;
}

/** The last firing in (after, now]; earlier missed firings in that span are skipped. */
export function latestDueFiring(cron: Cron, after: Date, now: Date): Date | undefined {
  let due: Date | undefined;
  let cursor = cron.nextRun(after);
  for (let i = 0; cursor && cursor.getTime() <= now.getTime() && i < 100_000; i++) {
    due = cursor;
    cursor = cron.nextRun(cursor);
  }
  return due;
}

/** A paused croner job for the expression; validates the expression and the time zone. */
export function cronOf(expression: string, timezone: string): Cron {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `time zone "${timezone}" is not known`, {
      hint: 'use an IANA name such as UTC or Europe/Berlin',
    });
  }
  try {
    return new Cron(expression, { timezone, paused: true });
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `cron expression "${expression}" is invalid: ${errorMessage(error)}`,
      {
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"',
      },
    );
  }
}

export function toSchedule(row: SchedulesTable): Schedule {
  return {
    name: row.name,
    cron: row.cron,
    timezone: row.timezone,
    predict: JSON.parse(row.spec) as PredictSpec,
    retries: Number(row.retries),
    backoffMs: Number(row.backoff_ms),
    createdAt: row.created_at,
    createdBy: row.created_by,
    nextRun: cronOf(row.cron, row.timezone).nextRun()?.toISOString() ?? null,
  };
}

function notFound(name: string): FleetcastError {
  return new FleetcastError('FLEETCAST_NOT_FOUND', `no schedule named ${name}`, {
    hint: 'list them with: fleetcast schedule list',
  });
}

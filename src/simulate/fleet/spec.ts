/**
 * A fleet request, checked before any work: every way a request can be wrong is one clear
 * FleetcastError naming the input and what would be accepted.
 */
import { FleetcastError } from '../../core/index.js';
import { ARCHETYPES, DEFAULT_MIX, findArchetype } from '../archetypes/index.js';

export interface FleetOptions {
  /** Number of resources. */
  fleet: number;
  /** Length of the range in days (fractions allowed); or give `end`. */
  days?: number;
  /** ISO end of the range (exclusive); alternative to `days`. */
  end?: string | Date;
  /** `5m`, `30s`, `1h`, `1d`, or a number of seconds. */
  interval: string | number;
  /** 0 … 2^64 − 1 (decimal string, number or bigint). */
  seed: string | number | bigint;
  /** `web=30,batch=10,…` (percent summing to 100, or fractions summing to 1), or a record. */
  mix?: string | Readonly<Record<string, number>>;
  /** ISO start (UTC unless an offset is given); default 2025-01-06T00:00:00Z, a Monday. */
  start?: string | Date;
  /** Expected anomalies per resource-day (default 0.02: about one per resource every seven weeks). */
  anomalyRate?: number;
}

export interface FleetSpec {
  fleet: number;
  startMs: number;
  endMs: number;
  stepMs: number;
  rowsPerResource: number;
  seed: bigint;
  /** Archetype key → share of resources (sums to 1). */
  mix: Record<string, number>;
  anomalyRate: number;
}

export const DEFAULT_START = '2025-01-06T00:00:00Z';
export const DEFAULT_ANOMALY_RATE = 0.02;
export const MAX_FLEET = 1_000_000;
export const MAX_TOTAL_ROWS = 10_000_000_000;
const DAY_MS = 86_400_000;
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS };

function invalid(message: string, hint: string, details?: Record<string, unknown>): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, { hint, ...(details ? { details } : {}) });
}

/** Milliseconds of an interval like `5m`, `30s`, `1.5h`, `1d` or a bare number of seconds. */
export function parseInterval(value: string | number): number {
  const hint = 'give a duration from 1s to 1d, such as 30s, 5m, 1h or 1d';
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else {
    const match = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
    if (!match) throw invalid(`cannot read the interval ${JSON.stringify(value)}`, hint);
    ms = Number(match[1]) * (UNITS[(match[2] ?? 's').toLowerCase()] ?? 1000);
  }
  if (!Number.isFinite(ms) || ms <= 0) throw invalid(`the interval must be positive (got ${String(value)})`, hint);
  if (ms < 1000 || ms > DAY_MS) throw invalid(`the interval ${String(value)} is outside 1s … 1d`, hint);
  if (!Number.isInteger(ms)) throw invalid(`the interval ${String(value)} is not a whole number of milliseconds`, hint);
  return ms;
}

export function parseSeed(value: string | number | bigint): bigint {
  const hint = 'give a whole number from 0 to 18446744073709551615';
  let seed: bigint;
  try {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError('not a safe integer');
    if (typeof value === 'string' && !/^\s*\d+\s*$/.test(value)) throw new RangeError('not digits');
    seed = BigInt(typeof value === 'string' ? value.trim() : value);
  } catch {
    throw invalid(`the seed ${JSON.stringify(String(value))} is not a whole number`, hint);
  }
  if (seed < 0n || seed >= 1n << 64n) throw invalid(`the seed ${seed} is outside 0 … 2^64 − 1`, hint);
  return seed;
}

function parseTime(value: string | Date, what: string): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw invalid(
      `cannot read the ${what} time ${JSON.stringify(String(value))}`,
      'give an ISO time such as 2025-01-06T00:00:00Z',
    );
  }
  return ms;
}

/** The mix as archetype → share (summing to 1), from `web=30,batch=10` or a record. */
export function parseMix(value: string | Readonly<Record<string, number>> | undefined): Record<string, number> {
  const known = ARCHETYPES.map((a) => a.key).join(', ');
  let entries: Array<[string, number]>;
  if (value === undefined) entries = Object.entries(DEFAULT_MIX);
  else if (typeof value === 'string') {
    entries = [];
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')) {
      const match = /^([a-z0-9-]+)\s*=\s*(\S+)$/i.exec(part);
      if (!match) throw invalid(`cannot read ${JSON.stringify(part)} in the mix`, 'write the mix as web=30,batch=10,…');
      entries.push([match[1] ?? '', Number(match[2])]);
    }
  } else entries = Object.entries(value);
  if (entries.length === 0) throw invalid('the mix is empty', 'write the mix as web=30,batch=10,…');
  const mix: Record<string, number> = {};
  let sum = 0;
  for (const [key, weight] of entries) {
    if (!findArchetype(key)) throw invalid(`unknown archetype ${JSON.stringify(key)}`, `known archetypes: ${known}`);
    if (key in mix) throw invalid(`archetype ${key} appears twice in the mix`, 'give each archetype once');
    if (!Number.isFinite(weight) || weight < 0) {
      throw invalid(`the share of ${key} must be a number ≥ 0 (got ${weight})`, 'write the mix as web=30,batch=10,…');
    }
    mix[key] = weight;
    sum += weight;
  }
  // Percentages must add up to 100, fractions to 1: anything else is most likely a typo.
  const scale = Math.abs(sum - 100) <= 0.5 ? 100 : Math.abs(sum - 1) <= 0.005 ? 1 : undefined;
  if (scale === undefined) {
    throw invalid(`the mix sums to ${sum}`, 'give percentages that sum to 100 (or fractions that sum to 1)', { sum });
  }
  for (const key of Object.keys(mix)) mix[key] = (mix[key] ?? 0) / sum;
  return mix;
}

/** Checks and normalises a request; throws before any work is done. */
export function resolveFleetSpec(options: FleetOptions): FleetSpec {
  const { fleet } = options;
  if (!Number.isInteger(fleet) || fleet < 1 || fleet > MAX_FLEET) {
    throw invalid(`the fleet size must be a whole number from 1 to ${MAX_FLEET} (got ${fleet})`, 'pass --fleet N');
  }
  const stepMs = parseInterval(options.interval);
  const seed = parseSeed(options.seed);
  const mix = parseMix(options.mix);
  const startMs = parseTime(options.start ?? DEFAULT_START, 'start');
  if (options.days !== undefined && options.end !== undefined) {
    throw invalid('give either days or an end time, not both', 'pass --days D or --end ISO');
  }
  let endMs: number;
  if (options.end !== undefined) endMs = parseTime(options.end, 'end');
  else {
    const days = options.days;
    if (days === undefined || !Number.isFinite(days)) throw invalid('the number of days is missing', 'pass --days D');
    if (days > 3660) throw invalid(`${days} days is more than ten years`, 'simulate at most 3660 days at a time');
    endMs = startMs + days * DAY_MS;
  }
  if (endMs <= startMs) {
    throw invalid('the end is not after the start', 'give a positive number of days, or an end later than the start');
  }
  const rowsPerResource = Math.floor((endMs - startMs) / stepMs);
  if (rowsPerResource < 1)
    throw invalid('the range is shorter than one interval', 'lengthen the range or shorten the interval');
  const total = rowsPerResource * fleet;
  if (total > MAX_TOTAL_ROWS) {
    throw invalid(
      `${total} rows is more than the ${MAX_TOTAL_ROWS} a run may make`,
      'use fewer resources, fewer days or a longer interval',
    );
  }
  const anomalyRate = options.anomalyRate ?? DEFAULT_ANOMALY_RATE;
  if (!Number.isFinite(anomalyRate) || anomalyRate < 0 || anomalyRate > 10) {
    throw invalid(
      `the anomaly rate must be from 0 to 10 per resource-day (got ${anomalyRate})`,
      'pass --anomaly-rate 0.02',
    );
  }
  return { fleet, startMs, endMs, stepMs, rowsPerResource, seed, mix, anomalyRate };
}

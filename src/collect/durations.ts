/**
 * Durations as people write them in experiment files (`500ms`, `5s`, `1m30s`, or a bare number of
 * seconds), and as PromQL wants them in range selectors.
 */
import { z } from 'zod';
import { FleetcastError } from '../core/errors.js';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/** Seconds from `1.5`, `"90"`, `"500ms"`, `"1m30s"`; undefined when the text is not a duration. */
export function tryParseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (!WHOLE.test(text)) return undefined;
  let seconds = 0;
  for (const match of text.matchAll(PART)) seconds += Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  return seconds;
}

/** Seconds from a duration, or a usage error naming `what`. */
export function parseDuration(value: string | number, what: string): number {
  const seconds = tryParseDuration(value);
  if (seconds === undefined) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${what}: "${value}" is not a duration`, {
      hint: 'write a number of seconds or e.g. 500ms, 5s, 1m30s, 2h',
      details: { value },
    });
  }
  return seconds;
}

/** A zod field holding a duration; parses to seconds, and the issue says what is wrong. */
export const durationField = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const seconds = tryParseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration (e.g. 500ms, 5s, 1m30s)` });
    return z.NEVER;
  }
  return seconds;
});

/** A PromQL range-selector duration: whole seconds as `Ns`, anything finer in milliseconds. */
export function promDuration(seconds: number): string {
  if (!(seconds > 0)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `a query window must be positive, got ${seconds}s`, {
      hint: 'set window to e.g. 30s or 1m',
    });
  }
  return Number.isInteger(seconds) ? `${seconds}s` : `${Math.round(seconds * 1000)}ms`;
}

/** Sleeps `ms`, resolving early (without error) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Where anomalies go in one resource's series: a Poisson number of windows over the time range,
 * placed uniformly, kept apart (an overlapping one is dropped, so every labelled sample has exactly
 * one cause). Drawn from the resource's own anomaly stream, so turning anomalies off or changing
 * their rate never changes the underlying series.
 */
import type { Rng } from '../random/prng.js';
import { ANOMALY_TYPES, type AnomalyType, type AnomalyWindow } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Relative frequency of each kind, in ANOMALY_TYPES order. */
const WEIGHTS = [0.2, 0.3, 0.2, 0.15, 0.15];

function duration(type: AnomalyType, rng: Rng): number {
  switch (type) {
    case 'cpu_spike':
      return Math.min(2 * HOUR, Math.max(5 * MINUTE, rng.exponential(20 * MINUTE)));
    case 'memory_leak':
      return rng.between(6 * HOUR, 3 * DAY);
    case 'idle_waste':
      return rng.between(1 * DAY, 7 * DAY);
    case 'scaling_failure':
      return rng.between(1 * HOUR, 6 * HOUR);
    case 'level_shift':
      return rng.between(2 * DAY, 10 * DAY);
  }
}

function magnitude(type: AnomalyType, rng: Rng): number {
  switch (type) {
    case 'cpu_spike':
      return rng.between(85, 100);
    case 'memory_leak':
      return rng.between(85, 98);
    case 'idle_waste':
      return 0;
    case 'scaling_failure':
      return rng.between(95, 100);
    case 'level_shift':
      return rng.uniform() < 0.5 ? rng.between(1.6, 2.5) : rng.between(0.4, 0.6);
  }
}

/** Anomaly windows in [startMs, endMs) at `perDay` expected anomalies per resource-day. */
export function planAnomalies(rng: Rng, startMs: number, endMs: number, perDay: number): AnomalyWindow[] {
  const days = (endMs - startMs) / DAY;
  const count = rng.poisson(perDay * days);
  const drafts: AnomalyWindow[] = [];
  for (let i = 0; i < count; i++) {
    const code = rng.pick(WEIGHTS) + 1;
    const type = ANOMALY_TYPES[code - 1] ?? 'cpu_spike';
    const start = startMs + rng.uniform() * (endMs - startMs);
    const end = Math.min(endMs, start + duration(type, rng));
    drafts.push({ type, code, startMs: start, endMs: end, magnitude: magnitude(type, rng) });
  }
  drafts.sort((a, b) => a.startMs - b.startMs);
  const kept: AnomalyWindow[] = [];
  for (const window of drafts) {
    const last = kept[kept.length - 1];
    if (!last || window.startMs >= last.endMs) kept.push(window);
  }
  return kept;
}

/**
 * A small closed-loop fleet that follows the laws exactly, plus seeded multiplicative noise: the
 * truth is known, so tests can check interpolation and extrapolation against it.
 */
import type { LoadStepRow } from '../../../src/models/data/index.js';

export interface Truth {
  responseTime: number;
  throughput: number;
  cpu: number;
  replicas: number;
}

/** Noise-free behaviour of the two synthetic services at `users` (replicas: what the run used). */
export function truth(service: string, users: number, replicas?: number): Truth {
  if (service === 'api') {
    const r = replicas ?? 1 + Math.floor(users / 20);
    const throughput = 0.5 * users;
    return { responseTime: 0.02 + 0.0001 * users, throughput, cpu: 0.01 * r + 0.004 * throughput, replicas: r };
  }
  const throughput = 2 * users;
  return { responseTime: 0.001, throughput, cpu: 0.005 + 0.002 * throughput, replicas: replicas ?? 1 };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticRun(levels: number[], polls = 9, noise = 0.05, seed = 7): LoadStepRow[] {
  const random = mulberry32(seed);
  const jitter = () => 1 + noise * (2 * random() - 1);
  const rows: LoadStepRow[] = [];
  let t = 1_700_000_000;
  for (const users of levels) {
    for (let poll = 0; poll < polls; poll++) {
      t += 60;
      for (const service of ['api', 'db']) {
        const x = truth(service, users);
        rows.push({
          timestamp: t,
          service,
          users,
          responseTime: x.responseTime * jitter(),
          throughput: x.throughput * jitter(),
          cpu: x.cpu * jitter(),
          replicas: x.replicas,
          cpuRequest: 0.1,
        });
      }
    }
  }
  return rows;
}

export const LEVELS = Array.from({ length: 26 }, (_, i) => 10 + 2 * i);

export function toCsv(rows: readonly LoadStepRow[]): string {
  const header = 'Timestamp,Service,User Count,Response Time (s),Throughput (req/s),CPU Usage,Replicas,CPU Request';
  const lines = rows.map((r) =>
    [r.timestamp, r.service, r.users, r.responseTime, r.throughput, r.cpu, r.replicas, r.cpuRequest].join(','),
  );
  return `${[header, ...lines].join('\n')}\n`;
}

export const STEP_LEVELS = Array.from({ length: 12 }, (_, i) => 20 + 5 * i);

/**
 * A load-step run for sequence models: `polls` polls 60 s apart per level, a 6-minute pause before
 * each level, two services whose measurements follow the load with ±15 % uniform noise per poll —
 * the scatter that makes "repeat the last poll" a weak guess and a window of polls a better one.
 */
export function stepRun(levels: number[] = STEP_LEVELS, polls = 21, seed = 3): LoadStepRow[] {
  const random = mulberry32(seed);
  const jitter = () => 1 + 0.15 * (2 * random() - 1);
  const rows: LoadStepRow[] = [];
  let t = 1_700_000_000;
  for (const users of levels) {
    t += 360;
    for (let poll = 0; poll < polls; poll++) {
      t += 60;
      const api = { responseTime: 0.02 + 0.0002 * users, throughput: 0.5 * users, cpu: 0.01 + 0.002 * users };
      const db = { responseTime: 0.001, throughput: 2 * users, cpu: 0.005 + 0.004 * users };
      for (const [service, x] of [
        ['api', api],
        ['db', db],
      ] as const) {
        rows.push({
          timestamp: t,
          service,
          users,
          responseTime: x.responseTime * jitter(),
          throughput: x.throughput * jitter(),
          cpu: x.cpu * jitter(),
          replicas: 1,
          cpuRequest: 0.1,
        });
      }
    }
  }
  return rows;
}

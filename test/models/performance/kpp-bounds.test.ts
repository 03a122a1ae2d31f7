/**
 * What the kpp normal run cannot tell about the overload run, measured. Each "oracle" below is
 * given something from the TEST data that no model trained on the normal run has, and still misses
 * the extrapolation targets of issue 4 (30 / 20 / 50 % mean MAPE) — or only just meets one with a
 * value picked on the test data itself. This is why `kpp.test.ts` keeps those targets as a known
 * shortfall; the numbers are in the closing note and docs/models.md.
 *
 * Everything here uses the published protocol's scoring (evaluate.ts): outage polls (throughput 0)
 * out, MAPE per service over the test polls, then the plain mean over the 10 services.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadStepRow, readLoadStepCsv } from '../../../src/models/data/index.js';
import { mape } from '../../../src/models/metrics/index.js';
import { kppFolder } from '../../helpers/services.js';

const KPP = kppFolder() ?? '';

type Field = 'responseTime' | 'throughput' | 'cpu';

const medianOf = (values: number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
};

/** Mean over services of the per-service MAPE of `predict` on the scored test polls. */
function meanMape(
  test: readonly LoadStepRow[],
  field: Field,
  predict: (row: LoadStepRow) => number,
): { mean: number; byService: Record<string, number> } {
  const byService: Record<string, number> = {};
  for (const service of [...new Set(test.map((r) => r.service))].sort()) {
    const rows = test.filter((r) => r.service === service && r.throughput !== 0 && Number.isFinite(r[field]));
    byService[service] = mape(
      rows.map((r) => r[field]),
      rows.map(predict),
    );
  }
  const values = Object.values(byService);
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, byService };
}

describe.skipIf(KPP === '')('kpp extrapolation: what the normal run cannot tell (oracle bounds)', () => {
  const normal = KPP ? readLoadStepCsv(join(KPP, 'performance_results_normal.csv')) : [];
  const overload = KPP ? readLoadStepCsv(join(KPP, 'performance_results_overload.csv')) : [];
  const polls = (rows: readonly LoadStepRow[]) => {
    const byTime = new Map<number, Map<string, LoadStepRow>>();
    for (const r of rows) {
      const poll = byTime.get(r.timestamp) ?? new Map<string, LoadStepRow>();
      poll.set(r.service, r);
      byTime.set(r.timestamp, poll);
    }
    return byTime;
  };
  const trainPolls = [...polls(normal).values()];
  const testPolls = polls(overload);
  const services = [...new Set(normal.map((r) => r.service))].sort();
  // From TRAINING rows only: visit ratio to the frontend, think time of the loop (the frontend's
  // throughput counts each call twice, facts §4), and each service's top-level medians.
  const visits = Object.fromEntries(
    services.map((s) => {
      let own = 0;
      let entry = 0;
      for (const p of trainPolls) {
        own += p.get(s)?.throughput ?? 0;
        entry += p.get(s) ? p.get('frontend')!.throughput : 0;
      }
      return [s, own / entry];
    }),
  );
  const think = medianOf(
    trainPolls.map((p) => p.get('frontend')!).map((f) => f.users / (f.throughput / 2) - f.responseTime),
  );
  const topLevel = new Map<string, number>();
  const top = (s: string, field: Field): number => {
    const key = `${s}/${field}`;
    if (!topLevel.has(key)) {
      topLevel.set(key, medianOf(normal.filter((r) => r.service === s && r.users >= 105).map((r) => r[field])));
    }
    return topLevel.get(key)!;
  };

  it('throughput: even the true frontend response time of every test poll leaves the mean above 20 %', () => {
    expect(think).toBeGreaterThan(3.5);
    expect(think).toBeLessThan(3.9);
    const given = meanMape(overload, 'throughput', (r) => {
      const frontend = testPolls.get(r.timestamp)!.get('frontend')!;
      return (visits[r.service]! * 2 * r.users) / (frontend.responseTime + think);
    });
    // The law holds where the system held together (frontend within 1–2 %, as facts §4 says) …
    expect(given.byService.frontend).toBeLessThan(3);
    for (const s of ['adservice', 'cartservice', 'currencyservice', 'shippingservice']) {
      expect(given.byService[s]).toBeLessThan(8);
    }
    // … but recommendationservice failed at 600 users (27 outage polls, the rest near zero) and took
    // productcatalogservice's calls with it: nothing in the normal run foretells that crash.
    expect(given.byService.productcatalogservice).toBeGreaterThan(100);
    expect(given.byService.recommendationservice).toBeGreaterThan(100);
    expect(given.mean).toBeGreaterThan(20);
  });

  it('response time: no common slowdown fits, only per-service values read off the test data reach 30 %', () => {
    const levels = [...new Set(overload.map((r) => r.users))];
    const grid = Array.from({ length: 120 }, (_, i) => 1.05 ** i);
    const scored = (rows: readonly LoadStepRow[], s: string) =>
      rows
        .filter((r) => r.service === s && r.throughput !== 0 && Number.isFinite(r.responseTime))
        .map((r) => r.responseTime);
    const argmin = (candidates: number[], score: (v: number) => number) => {
      const scores = candidates.map(score);
      return candidates[scores.indexOf(Math.min(...scores))]!;
    };
    // Best single factor per level over the top training level's response times, chosen on the test rows.
    const factor = new Map<number, number>();
    for (const users of levels) {
      const truths = services.map((s) =>
        scored(
          overload.filter((r) => r.users === users),
          s,
        ),
      );
      const score = (f: number) =>
        services.reduce(
          (sum, s, i) =>
            sum +
            (truths[i]!.length
              ? mape(
                  truths[i]!,
                  truths[i]!.map(() => f * top(s, 'responseTime')),
                )
              : 0),
          0,
        );
      factor.set(users, argmin(grid, score));
    }
    const common = meanMape(overload, 'responseTime', (r) => factor.get(r.users)! * top(r.service, 'responseTime'));
    expect(common.mean).toBeGreaterThan(60);
    // Best constant per service, chosen on the test rows: just under the target.
    const values = Array.from({ length: 470 }, (_, i) => 1e-4 * 1.02 ** i);
    const constant = Object.fromEntries(
      services.map((s) => {
        const truths = scored(overload, s);
        return [
          s,
          argmin(values, (v) =>
            mape(
              truths,
              truths.map(() => v),
            ),
          ),
        ];
      }),
    );
    const perService = meanMape(overload, 'responseTime', (r) => constant[r.service]!);
    expect(perService.mean).toBeGreaterThan(25);
    expect(perService.mean).toBeLessThan(30);
    // The ratios those values imply over the normal run's top level differ per service by > 10×,
    // which no training statistic (all services are far from saturation there) distinguishes.
    const ratios = services.map((s) => constant[s]! / top(s, 'responseTime'));
    expect(Math.max(...ratios) / Math.min(...ratios)).toBeGreaterThan(10);
  });

  it('CPU: the utilisation law with the TRUE test throughput and training demands stays above 50 %', () => {
    const demand = Object.fromEntries(services.map((s) => [s, top(s, 'cpu') / top(s, 'throughput')]));
    const given = meanMape(overload, 'cpu', (r) => demand[r.service]! * r.throughput);
    expect(given.mean).toBeGreaterThan(50);
  });

  it('interpolation: the best straight line per service, fitted on the held-out polls, stays above 6.2 %', () => {
    // Response time over the 5 held-out levels (82–86): a line in users chosen on the TEST polls
    // themselves. Any model smooth in users does no better; only per-level jumps (payment at 83
    // users: median 0.80 ms between 0.51 and 0.70) get lower, and no input explains those.
    const held = normal.filter((r) => r.users >= 82 && r.users <= 86 && Number.isFinite(r.responseTime));
    let total = 0;
    for (const s of services) {
      const rows = held.filter((r) => r.service === s);
      let best = Number.POSITIVE_INFINITY;
      for (let b = -0.1; b <= 0.1; b += 0.002) {
        const line = (u: number) => 1 + b * (u - 84);
        // The relative-L1 optimum passes through one of the polls, so trying each as anchor suffices.
        for (const anchor of rows) {
          const a = anchor.responseTime / line(anchor.users);
          let sum = 0;
          for (const r of rows) sum += Math.abs(r.responseTime - a * line(r.users)) / r.responseTime;
          best = Math.min(best, (100 * sum) / rows.length);
        }
      }
      total += best;
    }
    expect(total / services.length).toBeGreaterThan(6.2);
  });
});

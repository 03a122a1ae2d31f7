/**
 * The GRU sequence model on the real kpp data (facts §4), read in place from ../shared/data/kpp,
 * with the original study's setup and split. Outside CI the folder may be absent: the suite then
 * skips and says why. The services train on two worker threads: about 45 s on the project's two
 * cores for both runs.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkQueue, type WorkQueue } from '../../../src/core/queue/index.js';
import { readLoadStepCsv } from '../../../src/models/data/index.js';
import { fitPerformanceGruOnQueue, type GruScores } from '../../../src/models/performance/index.js';
import { kppFolder } from '../../helpers/services.js';

const KPP = kppFolder() ?? '';
const present = KPP !== '';

let queue: WorkQueue | undefined;
beforeAll(() => {
  if (present) queue = openWorkQueue({ concurrency: 2 });
});
afterAll(async () => {
  await queue?.close();
});

let cached: Promise<{ nextPoll: GruScores; nextFive: GruScores }> | undefined;
function results() {
  cached ??= (async () => {
    const rows = readLoadStepCsv(join(KPP, 'performance_results_normal.csv'));
    // Both runs share the two threads: ten tasks each, queued together.
    const [nextPoll, nextFive] = await Promise.all([
      fitPerformanceGruOnQueue(rows, {}, queue!),
      // At most 10 epochs here (the full run stops by 62): the bound is far from the measured score.
      fitPerformanceGruOnQueue(rows, { targetPolls: 5, epochs: 10 }, queue!),
    ]);
    return { nextPoll: nextPoll.scores, nextFive: nextFive.scores };
  })();
  return cached;
}

describe.skipIf(!present)('kpp: the GRU sequence model', () => {
  it('original setup: every service beats repeating the last poll; the mean sits at the noise floor', {
    timeout: 240_000,
  }, async () => {
    const { nextPoll } = await results();
    expect(Object.keys(nextPoll.services)).toHaveLength(10);
    expect(nextPoll.skipped).toEqual({});
    for (const s of Object.values(nextPoll.services)) {
      expect(s.test_windows).toBeGreaterThanOrEqual(247);
      expect(s.scaled_rmse).toBeLessThan(0.9 * s.baseline_scaled_rmse);
    }
    // Measured 0.0872 against 0.1194 (27 % better); the original reported 0.088, 13–30 % better.
    // The floor: the mean of a level's 16 training polls scores 0.0914, a linear fit on the
    // window 0.089 — the test polls' own scatter around their level is what remains.
    expect(nextPoll.mean.baseline_scaled_rmse).toBeCloseTo(0.1194, 3);
    expect(nextPoll.mean.scaled_rmse).toBeLessThanOrEqual(0.09);
    expect(nextPoll.mean.scaled_rmse).toBeLessThan(0.76 * nextPoll.mean.baseline_scaled_rmse);
  });

  // Known shortfall, kept visible: one poll's noise is ≈ 0.087 scaled units, so no predictor of a
  // single poll gets to 0.07 (see docs/models.md). Flips to a failure if something ever does.
  it.fails('original setup: mean scaled RMSE ≤ 0.07', { timeout: 240_000 }, async () => {
    expect((await results()).nextPoll.mean.scaled_rmse).toBeLessThanOrEqual(0.07);
  });

  it('the mean of the next 5 polls (five minutes): mean scaled RMSE ≤ 0.07', { timeout: 240_000 }, async () => {
    const { nextFive } = await results();
    expect(Object.keys(nextFive.services)).toHaveLength(10);
    for (const s of Object.values(nextFive.services)) expect(s.scaled_rmse).toBeLessThan(s.baseline_scaled_rmse);
    // Measured 0.0511 in 10 epochs (0.0475 with up to 100) against 0.105 for the last poll and
    // 0.059 for the mean of the window's polls.
    expect(nextFive.mean.scaled_rmse).toBeLessThanOrEqual(0.07);
  });
});

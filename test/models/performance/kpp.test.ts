/**
 * The published kpp protocol on the real data (facts §4), read in place from ../shared/data/kpp.
 * Outside CI the folder may be absent: the suite then skips and says why. Under CI it must exist.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLoadStepCsv } from '../../../src/models/data/index.js';
import { type ProtocolResult, runPerformanceProtocol } from '../../../src/models/performance/index.js';
import { kppFolder } from '../../helpers/services.js';

const KPP = kppFolder() ?? '';
const NORMAL = join(KPP, 'performance_results_normal.csv');
const OVERLOAD = join(KPP, 'performance_results_overload.csv');
const present = KPP !== '';

let cached: { interpolation: ProtocolResult; extrapolation: ProtocolResult } | undefined;
function results() {
  if (!cached) {
    const normal = readLoadStepCsv(NORMAL);
    cached = {
      interpolation: runPerformanceProtocol({ split: 'interpolation', data: normal }),
      extrapolation: runPerformanceProtocol({ split: 'extrapolation', data: normal, test: readLoadStepCsv(OVERLOAD) }),
    };
  }
  return cached;
}

describe.skipIf(!present)('kpp performance protocol', () => {
  it('interpolation: holds out levels 82–86 and beats the published throughput and CPU targets', () => {
    const { interpolation } = results();
    expect(interpolation.testLevels).toEqual([82, 83, 84, 85, 86]);
    expect(Object.keys(interpolation.scores.services)).toHaveLength(10);
    const { mape } = interpolation.scores.mean;
    // Targets 6.1 and 15.0 % (published 6.16 and 17.52; measured 5.83 and 12.35).
    expect(mape.throughput).toBeLessThanOrEqual(6.1);
    expect(mape.cpu).toBeLessThanOrEqual(15.0);
    // Response time measured 6.33 %: level-to-level jumps of a few services (payment, currency)
    // that no function of load explains — even a line fitted on the held-out polls scores 6.27
    // (kpp-bounds.test.ts). Guard against regression above the published 6.33 + 0.1.
    expect(mape.response_time).toBeLessThanOrEqual(6.45);
    for (const s of Object.values(interpolation.scores.services)) {
      expect(Number.isFinite(s.rmse.response_time) && Number.isFinite(s.rmse.cpu)).toBe(true);
    }
  });

  // Known shortfall, kept visible: flips to a failure (so someone updates it) once the model gets there.
  it.fails('interpolation: response time reaches the 6.2 % target', () => {
    expect(results().interpolation.scores.mean.mape.response_time).toBeLessThanOrEqual(6.2);
  });

  it('extrapolation: scores all 10 services on 300–700 users, leaving the 27 outage polls out', () => {
    const { extrapolation } = results();
    expect(extrapolation.testLevels).toEqual([300, 400, 500, 600, 700]);
    expect(extrapolation.scores.services.recommendationservice!.excluded_rows).toBe(27);
    const { mape } = extrapolation.scores.mean;
    for (const value of Object.values(mape)) expect(Number.isFinite(value)).toBe(true);
    // Measured 87.8 / 101.6 / 145.9 %: the normal run never approaches saturation (no service's
    // per-user rate bends), so the capacity where throughput bends is not in the training data;
    // kpp-bounds.test.ts measures how far even oracles given test facts stay. Regression guard:
    for (const s of extrapolation.model.params.services) expect(s.saturation).toBeUndefined();
    expect(mape.response_time).toBeLessThanOrEqual(90);
    expect(mape.throughput).toBeLessThanOrEqual(105);
    expect(mape.cpu).toBeLessThanOrEqual(150);
  });

  it.fails('extrapolation: reaches the 30 / 20 / 50 % targets', () => {
    const { mape } = results().extrapolation.scores.mean;
    expect(mape.response_time).toBeLessThanOrEqual(30);
    expect(mape.throughput).toBeLessThanOrEqual(20);
    expect(mape.cpu).toBeLessThanOrEqual(50);
  });
});

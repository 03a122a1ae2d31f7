import { describe, expect, it } from 'vitest';
import {
  ContractViolationError,
  deriveSeed,
  MAX_DIAGNOSTICS_CHARS,
  replicateSeeds,
  sameTrialResult,
  trialId,
  trialResult,
} from '../../src/contracts/index.js';

const PID = '326d389d95d6b607119e8ce9776115e490c809cefb8e92ae4338e238ba6c1cda';

describe('seeds', () => {
  // Cross-language values computed with Python hashlib (facts §5 gives no seed vectors):
  // int.from_bytes(blake2b(b'fleetcast:seed:v1|' + json.dumps([ns, run, pid, rep]), 32)[:8], 'big')
  it('match the values Python computes for the same scheme', () => {
    expect(deriveSeed({ namespace: 'calibration', run: 'run-1', paramId: PID, replicate: 0 })).toBe(
      15548070113852627552n,
    );
    expect(deriveSeed({ namespace: 'calibration', run: 'run-1', paramId: PID, replicate: 1 })).toBe(
      8562911937745669234n,
    );
    expect(
      deriveSeed({
        namespace: 'tune',
        run: 'study-ä',
        paramId: '505e80d0b9e828d62c30ebc0dfe5566a56ae769f27897cdab7791356ae311950',
        replicate: 7,
      }),
    ).toBe(347018674143035166n);
  });

  it('are 64-bit and differ across replicates, runs and namespaces', () => {
    const seeds = [
      ...replicateSeeds({ namespace: 'a', run: 'r', paramId: PID }, 50),
      deriveSeed({ namespace: 'b', run: 'r', paramId: PID, replicate: 0 }),
      deriveSeed({ namespace: 'a', run: 's', paramId: PID, replicate: 0 }),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const s of seeds) {
      expect(s >= 0n && s < 2n ** 64n).toBe(true);
    }
  });

  it('keep fields unambiguous when they contain the separator', () => {
    const a = deriveSeed({ namespace: 'a|b', run: 'c', paramId: PID, replicate: 0 });
    const b = deriveSeed({ namespace: 'a', run: 'b|c', paramId: PID, replicate: 0 });
    expect(a).not.toBe(b);
  });

  it('reject negative or fractional replicates', () => {
    expect(() => deriveSeed({ namespace: 'a', run: 'r', paramId: PID, replicate: -1 })).toThrow(ContractViolationError);
    expect(() => deriveSeed({ namespace: 'a', run: 'r', paramId: PID, replicate: 0.5 })).toThrow(
      ContractViolationError,
    );
  });
});

describe('trial ids', () => {
  it('are unique per study, trial number and attempt, and stable', () => {
    const ids = new Set<string>();
    for (const study of ['s1', 's2']) {
      for (let number = 0; number < 100; number++) {
        for (let attempt = 0; attempt < 3; attempt++) ids.add(trialId({ study, number, attempt }));
      }
    }
    expect(ids.size).toBe(600);
    expect(trialId({ study: 's1', number: 4, attempt: 0 })).toBe(trialId({ study: 's1', number: 4, attempt: 0 }));
    expect(trialId({ study: 's1', number: 4, attempt: 0 })).toMatch(/^t_[0-9a-f]{32}$/);
  });
});

describe('trial results', () => {
  const base = { trialId: 't_1', paramId: PID };

  it('require a finite loss when completed', () => {
    expect(trialResult({ ...base, status: 'completed', loss: 0.5 }).loss).toBe(0.5);
    expect(() => trialResult({ ...base, status: 'completed' })).toThrow(/finite loss/);
    expect(() => trialResult({ ...base, status: 'completed', loss: Number.NaN })).toThrow(/finite loss/);
    expect(() => trialResult({ ...base, status: 'completed', loss: Number.POSITIVE_INFINITY })).toThrow(/finite loss/);
  });

  it('accept failed and timeout without a loss, and refuse one with it', () => {
    expect(trialResult({ ...base, status: 'failed', error: 'boom' }).status).toBe('failed');
    expect(trialResult({ ...base, status: 'timeout' }).status).toBe('timeout');
    expect(() => trialResult({ ...base, status: 'failed', loss: 1 })).toThrow(/carries no loss/);
  });

  it('reject an unknown status', () => {
    // @ts-expect-error: the status is outside the contract on purpose.
    expect(() => trialResult({ ...base, status: 'ok', loss: 1 })).toThrow(/status must be one of/);
  });

  it('cap diagnostics at 65,536 JSON characters', () => {
    // {"d":"…"} adds 8 characters around the string.
    const fits = 'x'.repeat(MAX_DIAGNOSTICS_CHARS - 8);
    expect(trialResult({ ...base, status: 'completed', loss: 1, diagnostics: { d: fits } }).diagnostics?.d).toBe(fits);
    expect(() => trialResult({ ...base, status: 'completed', loss: 1, diagnostics: { d: `${fits}x` } })).toThrow(
      /65536/,
    );
  });

  it('freeze a copy of the diagnostics', () => {
    const diagnostics = { nested: { values: [1, 2] } };
    const result = trialResult({ ...base, status: 'completed', loss: 1, diagnostics });
    diagnostics.nested.values.push(3);
    expect(result.diagnostics).toEqual({ nested: { values: [1, 2] } });
    expect(Object.isFrozen(result.diagnostics?.nested)).toBe(true);
  });

  it('compare equal only when every field matches', () => {
    const a = trialResult({ ...base, status: 'completed', loss: 1, diagnostics: { k: 1 } });
    expect(sameTrialResult(a, trialResult({ ...base, status: 'completed', loss: 1, diagnostics: { k: 1 } }))).toBe(
      true,
    );
    expect(sameTrialResult(a, trialResult({ ...base, status: 'completed', loss: 2, diagnostics: { k: 1 } }))).toBe(
      false,
    );
    expect(sameTrialResult(a, trialResult({ ...base, status: 'completed', loss: 1 }))).toBe(false);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type BenchSide, formatResult, machineInfo, median, runBenchmark } from '../../../src/core/bench/harness.js';

/** Real work: hashing `bytes` of data `times` times. */
function hashingSide(label: string, bytes: number, log: string[] = []): BenchSide {
  const data = Buffer.alloc(bytes, 7);
  return {
    label,
    open: async () => ({
      iteration: async () => {
        log.push(label);
        for (let i = 0; i < 20; i++) createHash('sha256').update(data).digest();
        return 20;
      },
      close: async () => {
        log.push(`${label}:closed`);
      },
    }),
  };
}

describe('bench harness', () => {
  it('reports medians and a ratio that reflects the work done', async () => {
    const log: string[] = [];
    const result = await runBenchmark(
      {
        name: 'hash',
        description: 'sha256',
        unit: 'hashes/s',
        reference: hashingSide('small', 64 * 1024, log),
        subject: hashingSide('large', 1024 * 1024, log),
      },
      5,
    );
    expect(result.reference.rates).toHaveLength(5);
    expect(result.subject.rates).toHaveLength(5);
    // 16x the bytes per hash: the subject must be several times slower.
    expect(result.ratio!).toBeLessThan(0.5);
    // warm-up once each, then alternating repetitions, then both closed.
    expect(log.slice(0, 4)).toEqual(['small', 'large', 'small', 'large']);
    expect(log.filter((l) => l.endsWith(':closed'))).toHaveLength(2);
    expect(formatResult(result)).toMatch(/hash .* small .* hashes\/s \| large .* \| ratio 0\.\d\d×/);
  });

  it('marks a skipped or failing side without a ratio', async () => {
    const result = await runBenchmark(
      {
        name: 'partial',
        description: '',
        unit: 'ops/s',
        reference: hashingSide('ok', 1024),
        subject: { label: 'absent', open: async () => ({ skip: 'no server' }) },
      },
      5,
    );
    expect(result.ratio).toBeUndefined();
    expect(result.subject.skipped).toBe('no server');
    expect(formatResult(result)).toContain('skipped (no server)');
    const failing = await runBenchmark(
      {
        name: 'failing',
        description: '',
        unit: 'ops/s',
        reference: hashingSide('ok', 1024),
        subject: {
          label: 'broken',
          open: async () => ({
            iteration: async () => {
              throw new Error('disk full');
            },
            close: async () => {},
          }),
        },
      },
      5,
    );
    expect(failing.subject.error).toBe('disk full');
    expect(formatResult(failing)).toContain('failed (disk full)');
  });

  it('refuses fewer than 5 repetitions', async () => {
    await expect(
      runBenchmark(
        { name: 'x', description: '', unit: '', reference: hashingSide('a', 1), subject: hashingSide('b', 1) },
        3,
      ),
    ).rejects.toThrow(/at least 5/);
  });

  it('computes medians and describes the machine', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const machine = machineInfo();
    expect(machine.cores).toBeGreaterThan(0);
    expect(machine.node).toBe(process.version);
  });
});

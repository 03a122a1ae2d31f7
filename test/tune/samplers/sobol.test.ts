import { describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/tune/random.js';
import { MAX_SOBOL_DIMENSIONS, SobolSampler, SobolSequence } from '../../../src/tune/samplers/index.js';
import { floatParam, searchSpace } from '../../../src/tune/space/index.js';

// Points of the unscrambled sequence from scipy.stats.qmc.Sobol(d=40, scramble=False), which uses
// the same Joe–Kuo direction numbers; values × 4096 (points below index 4096 are multiples of 2^-12).
const SCIPY_POINTS: [number, number[]][] = [
  [
    0,
    [
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0,
    ],
  ],
  [
    1,
    [
      2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048,
      2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048, 2048,
      2048, 2048,
    ],
  ],
  [
    2,
    [
      3072, 1024, 1024, 1024, 3072, 3072, 1024, 3072, 3072, 3072, 3072, 3072, 1024, 1024, 3072, 1024, 3072, 1024, 3072,
      1024, 1024, 3072, 1024, 1024, 1024, 3072, 1024, 3072, 1024, 3072, 1024, 1024, 1024, 3072, 3072, 3072, 1024, 1024,
      1024, 1024,
    ],
  ],
  [
    3,
    [
      1024, 3072, 3072, 3072, 1024, 1024, 3072, 1024, 1024, 1024, 1024, 1024, 3072, 3072, 1024, 3072, 1024, 3072, 1024,
      3072, 3072, 1024, 3072, 3072, 3072, 1024, 3072, 1024, 3072, 1024, 3072, 3072, 3072, 1024, 1024, 1024, 3072, 3072,
      3072, 3072,
    ],
  ],
  [
    4,
    [
      1536, 1536, 2560, 3584, 1536, 512, 1536, 3584, 3584, 2560, 3584, 1536, 1536, 2560, 1536, 3584, 1536, 3584, 3584,
      512, 512, 512, 1536, 3584, 3584, 3584, 1536, 2560, 512, 512, 1536, 512, 3584, 3584, 2560, 2560, 2560, 3584, 1536,
      3584,
    ],
  ],
  [
    5,
    [
      3584, 3584, 512, 1536, 3584, 2560, 3584, 1536, 1536, 512, 1536, 3584, 3584, 512, 3584, 1536, 3584, 1536, 1536,
      2560, 2560, 2560, 3584, 1536, 1536, 1536, 3584, 512, 2560, 2560, 3584, 2560, 1536, 1536, 512, 512, 512, 1536,
      3584, 1536,
    ],
  ],
  [
    6,
    [
      2560, 512, 3584, 2560, 2560, 3584, 512, 512, 512, 1536, 512, 2560, 512, 3584, 2560, 2560, 2560, 2560, 512, 1536,
      1536, 3584, 512, 2560, 2560, 512, 512, 1536, 1536, 3584, 512, 1536, 2560, 512, 1536, 1536, 3584, 2560, 512, 2560,
    ],
  ],
  [
    7,
    [
      512, 2560, 1536, 512, 512, 1536, 2560, 2560, 2560, 3584, 2560, 512, 2560, 1536, 512, 512, 512, 512, 2560, 3584,
      3584, 1536, 2560, 512, 512, 2560, 2560, 3584, 3584, 1536, 2560, 3584, 512, 2560, 3584, 3584, 1536, 512, 2560, 512,
    ],
  ],
  [
    100,
    [
      1696, 1056, 3168, 2976, 3616, 3040, 96, 1952, 2592, 2848, 1888, 2784, 1952, 3488, 1312, 2016, 2784, 3040, 3424,
      1376, 3104, 1632, 32, 2016, 96, 32, 3872, 2720, 992, 2976, 2912, 1696, 1056, 1056, 1504, 2720, 4000, 1952, 3680,
      544,
    ],
  ],
  [
    1000,
    [
      900, 396, 2124, 2772, 1148, 3716, 188, 3684, 2052, 284, 348, 1044, 660, 1572, 588, 1516, 2948, 1412, 4060, 2972,
      2140, 2252, 3892, 2212, 2388, 3716, 164, 4012, 244, 1396, 604, 596, 1212, 2428, 3284, 3156, 3476, 3404, 1260,
      1964,
    ],
  ],
  [
    4095,
    [
      1, 3855, 1369, 3693, 3851, 323, 3889, 1601, 785, 1009, 2333, 1317, 1511, 2129, 2257, 1707, 255, 2495, 3331, 2135,
      925, 2999, 2777, 1825, 751, 2183, 1551, 117, 3827, 3503, 1481, 359, 3115, 1077, 3903, 719, 2377, 1343, 679, 931,
    ],
  ],
];

describe('Sobol sequence', () => {
  it('supports at least 21 dimensions and refuses more than its table holds', () => {
    expect(MAX_SOBOL_DIMENSIONS).toBeGreaterThanOrEqual(21);
    expect(() => new SobolSequence(MAX_SOBOL_DIMENSIONS + 1)).toThrow(RangeError);
    const names = Array.from({ length: MAX_SOBOL_DIMENSIONS + 1 }, (_, i) => `p${i}`);
    const wide = searchSpace(Object.fromEntries(names.map((n) => [n, floatParam(n, 0, 1)])));
    try {
      new SobolSampler().sample(wide, { number: 0, history: [] });
      expect.unreachable('too many dimensions must be refused');
    } catch (error) {
      expect(isFleetcastError(error, 'FLEETCAST_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it.each(SCIPY_POINTS)(
    'unscrambled point %i equals the published sequence in all 40 dimensions',
    (index, expected) => {
      const point = new SobolSequence(40).point(index);
      expect(Array.from(point, (x) => x * 4096)).toEqual(expected);
    },
  );

  it('gives the first points through the sampler with scrambling off', () => {
    const names = Array.from({ length: 21 }, (_, i) => `x${String(i).padStart(2, '0')}`);
    const space = searchSpace(Object.fromEntries(names.map((n) => [n, floatParam(n, 0, 1)])));
    const sampler = new SobolSampler({ scramble: false });
    for (const [index, expected] of SCIPY_POINTS.slice(0, 8)) {
      const params = sampler.sample(space, { number: index, history: [] });
      expect(names.map((n) => (params[n]!.value as number) * 4096)).toEqual(expected.slice(0, 21));
    }
  });

  it('scrambles differently per seed, replays per seed, and stays in [0, 1)', () => {
    const a = new SobolSequence(8, 1n);
    const b = new SobolSequence(8, 1n);
    const c = new SobolSequence(8, 2n);
    for (let i = 0; i < 64; i++) {
      expect(Array.from(a.point(i))).toEqual(Array.from(b.point(i)));
      for (const x of a.point(i)) expect(x >= 0 && x < 1).toBe(true);
    }
    expect(Array.from(a.point(5))).not.toEqual(Array.from(c.point(5)));
  });

  it('keeps the net property when scrambled: 256 points put exactly one in every cell of a 16×16 grid', () => {
    // Scrambling preserves (t, m, s)-net structure; dimensions 1 and 2 of Sobol form a (0, m, 2)-net.
    const seq = new SobolSequence(2, 77n);
    const cells = new Array<number>(256).fill(0);
    for (let i = 0; i < 256; i++) {
      const [x, y] = seq.point(i);
      cells[Math.floor(x! * 16) * 16 + Math.floor(y! * 16)]! += 1;
    }
    expect(cells.every((c) => c === 1)).toBe(true);
  });

  it('integrates a smooth function far more accurately than random points at n = 256', () => {
    // f(x) = Π (π/2)·sin(π·x_i) over [0, 1]^5 has integral exactly 1.
    const d = 5;
    const f = (x: ArrayLike<number>) => {
      let p = 1;
      for (let i = 0; i < d; i++) p *= (Math.PI / 2) * Math.sin(Math.PI * x[i]!);
      return p;
    };
    const n = 256;
    let sobolSq = 0;
    let randomSq = 0;
    const reps = 20;
    for (let r = 0; r < reps; r++) {
      const seq = new SobolSequence(d, BigInt(r + 1));
      const rng = new Rng(1000 + r);
      let qs = 0;
      let rs = 0;
      for (let i = 0; i < n; i++) {
        qs += f(seq.point(i));
        rs += f(Array.from({ length: d }, () => rng.float()));
      }
      sobolSq += (qs / n - 1) ** 2;
      randomSq += (rs / n - 1) ** 2;
    }
    const sobolRmse = Math.sqrt(sobolSq / reps);
    const randomRmse = Math.sqrt(randomSq / reps);
    expect(sobolRmse).toBeLessThan(0.2 * randomRmse);
  });
});

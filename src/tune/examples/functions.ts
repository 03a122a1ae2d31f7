/**
 * Benchmark objectives with known optima, for tests, examples (`fleetcast tune --example …`) and
 * sampler comparisons. All are minimised.
 */
import { Param, type PlainParams } from '../../contracts/index.js';
import { categoricalParam, floatParam, intParam, type SearchSpace, searchSpace } from '../space/index.js';

export interface BenchmarkFunction {
  readonly name: string;
  readonly space: SearchSpace;
  readonly objective: (params: PlainParams) => number;
  /** The global minimum value. */
  readonly optimum: number;
  /** One minimiser (Branin has three; the first is given). */
  readonly argmin: PlainParams;
}

function num(params: PlainParams, name: string): number {
  const v = params[name];
  if (typeof v !== 'number') throw new TypeError(`parameter ${name} must be a number, got ${typeof v}`);
  return v;
}

/** Branin–Hoo on [−5, 10] × [0, 15]; minimum 0.397887 at (−π, 12.275), (π, 2.275), (9.42478, 2.475). */
export const branin: BenchmarkFunction = {
  name: 'branin',
  space: searchSpace({ x1: floatParam('x1', -5, 10), x2: floatParam('x2', 0, 15) }),
  objective: (p) => {
    const x1 = num(p, 'x1');
    const x2 = num(p, 'x2');
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
  optimum: 0.39788735772973816,
  argmin: { x1: -Math.PI, x2: 12.275 },
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));
const H6_NAMES = ['x1', 'x2', 'x3', 'x4', 'x5', 'x6'] as const;

/** Hartmann-6 on [0, 1]^6; minimum −3.32237. */
export const hartmann6: BenchmarkFunction = {
  name: 'hartmann6',
  space: searchSpace(Object.fromEntries(H6_NAMES.map((n) => [n, floatParam(n, 0, 1)]))),
  objective: (p) => {
    const x = H6_NAMES.map((n) => num(p, n));
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (x[j]! - H6_P[i]![j]!) ** 2;
      sum += H6_ALPHA[i]! * Math.exp(-inner);
    }
    return -sum;
  },
  optimum: -3.3223680114155156,
  argmin: { x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 },
};

const R4_NAMES = ['x1', 'x2', 'x3', 'x4'] as const;

/** Rosenbrock in 4-D on [−5, 10]^4; minimum 0 at (1, 1, 1, 1). */
export const rosenbrock4: BenchmarkFunction = {
  name: 'rosenbrock4',
  space: searchSpace(Object.fromEntries(R4_NAMES.map((n) => [n, floatParam(n, -5, 10)]))),
  objective: (p) => {
    const x = R4_NAMES.map((n) => num(p, n));
    let sum = 0;
    for (let i = 0; i < 3; i++) sum += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    return sum;
  },
  optimum: 0,
  argmin: { x1: 1, x2: 1, x3: 1, x4: 1 },
};

const MIXED_OFFSETS: Readonly<Record<string, number>> = { linear: 1, tree: 0, ensemble: 2 };

/**
 * A mixed space shaped like a model-tuning problem: a categorical model kind shifts the loss, an
 * int (n), a stepped int (width, step 8), and a log-scaled float (rate) add separable terms.
 * Minimum 0 at kind=tree, n=3, width=64, rate=0.01.
 */
export const mixed: BenchmarkFunction = {
  name: 'mixed',
  space: searchSpace({
    kind: categoricalParam('kind', [Param.string('linear'), Param.string('tree'), Param.string('ensemble')]),
    n: intParam('n', -10, 10),
    width: intParam('width', 8, 256, { step: 8 }),
    rate: floatParam('rate', 1e-4, 1, { log: true }),
  }),
  objective: (p) => {
    const kind = p.kind;
    if (typeof kind !== 'string' || !(kind in MIXED_OFFSETS)) throw new TypeError(`unknown kind ${String(kind)}`);
    return (
      MIXED_OFFSETS[kind]! +
      0.1 * (num(p, 'n') - 3) ** 2 +
      ((num(p, 'width') - 64) / 32) ** 2 +
      (Math.log10(num(p, 'rate')) + 2) ** 2
    );
  },
  optimum: 0,
  argmin: { kind: 'tree', n: 3, width: 64, rate: 0.01 },
};

export const BENCHMARKS: Readonly<Record<string, BenchmarkFunction>> = { branin, hartmann6, rosenbrock4, mixed };

/**
 * A standard (μ/μ_w, λ) CMA-ES with ask/tell (Hansen, "The CMA Evolution Strategy: A Tutorial",
 * 2016: default weights, cumulative step-size adaptation, rank-one and rank-μ covariance updates).
 * It works in the unit cube: out-of-bounds draws are re-drawn a few times, then clipped.
 */
import { symmetricEigen } from '../../math/eigen.js';
import type { Rng } from '../../random.js';

const MAX_RESAMPLES = 100;

export interface CmaOptions {
  /** Initial step size in unit-cube coordinates; default 1/6 (Optuna's range/6). */
  sigma0?: number;
  /** Population size λ; default 4 + ⌊3 ln n⌋. */
  popsize?: number;
  /** Initial mean; default the cube centre. */
  mean?: readonly number[];
}

export class Cma {
  readonly dim: number;
  readonly popsize: number;
  private readonly mu: number;
  private readonly weights: Float64Array;
  private readonly muEff: number;
  private readonly cSigma: number;
  private readonly dSigma: number;
  private readonly cc: number;
  private readonly c1: number;
  private readonly cMu: number;
  private readonly chiN: number;
  private mean: Float64Array;
  private sigma: number;
  private readonly pSigma: Float64Array;
  private readonly pc: Float64Array;
  private readonly cov: Float64Array[];
  private basis: Float64Array[];
  private scales: Float64Array;
  generation = 0;

  constructor(dim: number, options: CmaOptions = {}) {
    const n = dim;
    this.dim = n;
    this.popsize = options.popsize ?? 4 + Math.floor(3 * Math.log(n));
    this.mu = Math.floor(this.popsize / 2);
    const raw = Array.from({ length: this.mu }, (_, i) => Math.log((this.popsize + 1) / 2) - Math.log(i + 1));
    const total = raw.reduce((s, w) => s + w, 0);
    this.weights = Float64Array.from(raw, (w) => w / total);
    this.muEff = 1 / this.weights.reduce((s, w) => s + w * w, 0);
    const me = this.muEff;
    this.cSigma = (me + 2) / (n + me + 5);
    this.dSigma = 1 + 2 * Math.max(0, Math.sqrt((me - 1) / (n + 1)) - 1) + this.cSigma;
    this.cc = (4 + me / n) / (n + 4 + (2 * me) / n);
    this.c1 = 2 / ((n + 1.3) ** 2 + me);
    this.cMu = Math.min(1 - this.c1, (2 * (me - 2 + 1 / me)) / ((n + 2) ** 2 + me));
    this.chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
    this.mean = Float64Array.from(options.mean ?? Array.from({ length: n }, () => 0.5));
    this.sigma = options.sigma0 ?? 1 / 6;
    this.pSigma = new Float64Array(n);
    this.pc = new Float64Array(n);
    this.cov = Array.from({ length: n }, (_, i) => {
      const row = new Float64Array(n);
      row[i] = 1;
      return row;
    });
    this.basis = this.cov.map((row) => Float64Array.from(row));
    this.scales = new Float64Array(n).fill(1);
  }

  get stepSize(): number {
    return this.sigma;
  }

  /** One candidate x = m + σ·B·D·z inside [0, 1]^n. */
  ask(rng: Rng): Float64Array {
    let x: Float64Array = new Float64Array(this.dim);
    for (let attempt = 0; attempt < MAX_RESAMPLES; attempt++) {
      x = this.draw(rng);
      if (x.every((v) => v >= 0 && v <= 1)) return x;
    }
    return x.map((v) => Math.min(Math.max(v, 0), 1));
  }

  private draw(rng: Rng): Float64Array {
    const n = this.dim;
    const dz = new Float64Array(n);
    for (let k = 0; k < n; k++) dz[k] = this.scales[k]! * rng.normal();
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let y = 0;
      for (let k = 0; k < n; k++) y += this.basis[i]![k]! * dz[k]!;
      x[i] = this.mean[i]! + this.sigma * y;
    }
    return x;
  }

  /** Updates the distribution from exactly λ evaluated candidates (any order). */
  tell(solutions: readonly { x: ArrayLike<number>; value: number }[]): void {
    if (solutions.length !== this.popsize) {
      throw new RangeError(`CMA-ES needs ${this.popsize} solutions per generation, got ${solutions.length}`);
    }
    const n = this.dim;
    const ranked = [...solutions].sort((a, b) => a.value - b.value);
    const ys = ranked
      .slice(0, this.mu)
      .map((s) => Float64Array.from({ length: n }, (_, i) => (s.x[i]! - this.mean[i]!) / this.sigma));
    const yw = new Float64Array(n);
    ys.forEach((y, j) => {
      for (let i = 0; i < n; i++) yw[i] = yw[i]! + this.weights[j]! * y[i]!;
    });
    for (let i = 0; i < n; i++) this.mean[i] = this.mean[i]! + this.sigma * yw[i]!;

    // C^{-1/2}·y_w = B·D⁻¹·Bᵀ·y_w drives the step-size path.
    const bty = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += this.basis[i]![k]! * yw[i]!;
      bty[k] = s / this.scales[k]!;
    }
    const cs = Math.sqrt(this.cSigma * (2 - this.cSigma) * this.muEff);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += this.basis[i]![k]! * bty[k]!;
      this.pSigma[i] = (1 - this.cSigma) * this.pSigma[i]! + cs * s;
    }
    const normPs = Math.hypot(...this.pSigma);
    this.generation += 1;
    const hSigma =
      normPs / Math.sqrt(1 - (1 - this.cSigma) ** (2 * this.generation)) < (1.4 + 2 / (n + 1)) * this.chiN ? 1 : 0;
    const ccs = Math.sqrt(this.cc * (2 - this.cc) * this.muEff);
    for (let i = 0; i < n; i++) this.pc[i] = (1 - this.cc) * this.pc[i]! + hSigma * ccs * yw[i]!;

    const decay = 1 - this.c1 - this.cMu + (1 - hSigma) * this.c1 * this.cc * (2 - this.cc);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let rankMu = 0;
        ys.forEach((y, k) => {
          rankMu += this.weights[k]! * y[i]! * y[j]!;
        });
        const c = decay * this.cov[i]![j]! + this.c1 * this.pc[i]! * this.pc[j]! + this.cMu * rankMu;
        this.cov[i]![j] = c;
        this.cov[j]![i] = c;
      }
    }
    this.sigma *= Math.exp((this.cSigma / this.dSigma) * (normPs / this.chiN - 1));
    const { values, vectors } = symmetricEigen(this.cov);
    // Guard against tiny negative eigenvalues from rounding.
    this.scales = values.map((v) => Math.sqrt(Math.max(v, 1e-20)));
    this.basis = vectors;
  }
}

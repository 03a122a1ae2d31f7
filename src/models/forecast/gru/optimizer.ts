/**
 * Adam (Kingma & Ba, with PyTorch's defaults: β₁ 0.9, β₂ 0.999, ε 1e-8) with optional global
 * gradient-norm clipping — recurrent nets occasionally produce one exploding gradient that would
 * otherwise undo many good steps — and a reduce-on-plateau schedule (PyTorch's ReduceLROnPlateau in
 * "min" mode with a relative threshold) that multiplies the learning rate by `factor` after
 * `patience` epochs without improvement of the monitored loss.
 */
export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Rescale the gradient to this global L2 norm when it is larger (0 or absent: no clipping). */
  clipNorm?: number;
}

export class Adam {
  learningRate: number;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly clipNorm: number;

  constructor(size: number, options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clipNorm = options.clipNorm ?? 0;
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(params: Float64Array, grads: Float64Array): void {
    let scale = 1;
    if (this.clipNorm > 0) {
      let norm = 0;
      for (let i = 0; i < grads.length; i++) norm += grads[i]! * grads[i]!;
      norm = Math.sqrt(norm);
      if (norm > this.clipNorm) scale = this.clipNorm / norm;
    }
    this.t++;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const stepSize = this.learningRate / (1 - b1 ** this.t);
    const correction2 = 1 / (1 - b2 ** this.t);
    const m = this.m;
    const v = this.v;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]! * scale;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      params[i] = params[i]! - (stepSize * mi) / (Math.sqrt(vi * correction2) + this.epsilon);
    }
  }
}

export interface PlateauOptions {
  factor?: number;
  patience?: number;
  /** Relative improvement that counts (PyTorch's threshold, "rel" mode). */
  threshold?: number;
  minLearningRate?: number;
}

export class ReduceOnPlateau {
  private best = Number.POSITIVE_INFINITY;
  private bad = 0;
  private readonly factor: number;
  private readonly patience: number;
  private readonly threshold: number;
  private readonly minLearningRate: number;
  /** Epochs at which the learning rate was reduced. */
  readonly reductions: number[] = [];

  constructor(
    private readonly optimizer: Adam,
    options: PlateauOptions = {},
  ) {
    this.factor = options.factor ?? 0.5;
    this.patience = options.patience ?? 3;
    this.threshold = options.threshold ?? 1e-4;
    this.minLearningRate = options.minLearningRate ?? 1e-5;
  }

  /** Reports an epoch's monitored loss; lowers the learning rate after a plateau. */
  observe(loss: number, epoch: number): void {
    if (loss < this.best * (1 - this.threshold)) {
      this.best = loss;
      this.bad = 0;
      return;
    }
    this.bad++;
    if (this.bad > this.patience) {
      const lowered = Math.max(this.optimizer.learningRate * this.factor, this.minLearningRate);
      if (lowered < this.optimizer.learningRate) {
        this.optimizer.learningRate = lowered;
        this.reductions.push(epoch);
      }
      this.bad = 0;
    }
  }
}

/**
 * One GRU layer over a batch of sequences, forward and backward through time, with the three gates
 * fused: the input projections of every step are one product [T·B × I]·[I × 3H] before the
 * recursion, and each step does one product [B × H]·[H × 3H] for the hidden projections, followed by
 * one elementwise pass computing r, z, n and h together. Gate order and equations are PyTorch's:
 *
 *   r = σ(Wᵢᵣx + bᵢᵣ + Wₕᵣh + bₕᵣ)        z = σ(Wᵢ_z x + bᵢ_z + Wₕ_z h + bₕ_z)
 *   n = tanh(Wᵢₙx + bᵢₙ + r ⊙ (Wₕₙh + bₕₙ))      h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Layouts are time-major ([t][b][k]) so every step's block is contiguous. The backward pass keeps the
 * per-step gate gradients and does the weight-gradient products once over all T·B rows.
 */
import { addColumnSums, gemmNT, transpose } from './gemm.js';

/** Offsets of one layer's tensors inside the network's parameter vector. */
export interface LayerOffsets {
  inputs: number;
  /** Wx [3H × inputs] */
  wx: number;
  /** Wh [3H × H] */
  wh: number;
  /** bx [3H] */
  bx: number;
  /** bh [3H] */
  bh: number;
}

/** Buffers of one layer for sequences of length ≤ T in batches of ≤ B (grown on demand, reused). */
export class LayerWorkspace {
  private steps = 0;
  private batch = 0;
  gx = new Float64Array(0);
  gh = new Float64Array(0);
  r = new Float64Array(0);
  z = new Float64Array(0);
  n = new Float64Array(0);
  hn = new Float64Array(0);
  /** h₀ … h_T, each [B × H]; h₀ = 0. */
  hs = new Float64Array(0);
  /** Gradient of the loss with respect to h₁ … h_T (filled by the layer above or the head). */
  dhs = new Float64Array(0);
  dgx = new Float64Array(0);
  dgh = new Float64Array(0);
  dh = new Float64Array(0);
  dhNext = new Float64Array(0);
  whT = new Float64Array(0);
  wxT = new Float64Array(0);
  gT = new Float64Array(0);
  xT = new Float64Array(0);

  constructor(
    readonly hidden: number,
    readonly inputs: number,
  ) {}

  ensure(steps: number, batch: number): void {
    if (steps <= this.steps && batch <= this.batch) return;
    const T = Math.max(steps, this.steps);
    const B = Math.max(batch, this.batch);
    const rows = T * B;
    const H = this.hidden;
    const G = 3 * H;
    this.steps = T;
    this.batch = B;
    this.gx = new Float64Array(rows * G);
    this.gh = new Float64Array(B * G);
    this.r = new Float64Array(rows * H);
    this.z = new Float64Array(rows * H);
    this.n = new Float64Array(rows * H);
    this.hn = new Float64Array(rows * H);
    this.hs = new Float64Array((T + 1) * B * H);
    this.dhs = new Float64Array(rows * H);
    this.dgx = new Float64Array(rows * G);
    this.dgh = new Float64Array(rows * G);
    this.dh = new Float64Array(B * H);
    this.dhNext = new Float64Array(B * H);
    this.whT = new Float64Array(H * G);
    this.wxT = new Float64Array(this.inputs * G);
    this.gT = new Float64Array(G * rows);
    this.xT = new Float64Array(Math.max(this.inputs, H) * rows);
  }
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The gate pass of one step for a batch: reads the input projections `gx` (at gxOff) and hidden
 * projections `gh` (at 0), the previous state `hs` (at hOff), writes the new state at hOff + B·H and,
 * when `saved` is given, the gate values needed by the backward pass (at sOff).
 */
export function gateStep(
  H: number,
  B: number,
  gx: Float64Array,
  gxOff: number,
  gh: Float64Array,
  hs: Float64Array,
  hOff: number,
  out: Float64Array,
  outOff: number,
  saved?: { r: Float64Array; z: Float64Array; n: Float64Array; hn: Float64Array; off: number },
): void {
  const G = 3 * H;
  for (let b = 0; b < B; b++) {
    const x = gxOff + b * G;
    const h = b * G;
    const p = hOff + b * H;
    const o = outOff + b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gx[x + j]! + gh[h + j]!);
      const z = sigmoid(gx[x + H + j]! + gh[h + H + j]!);
      const hn = gh[h + 2 * H + j]!;
      const n = Math.tanh(gx[x + 2 * H + j]! + r * hn);
      const previous = hs[p + j]!;
      out[o + j] = n + z * (previous - n);
      if (saved) {
        const s = saved.off + b * H + j;
        saved.r[s] = r;
        saved.z[s] = z;
        saved.n[s] = n;
        saved.hn[s] = hn;
      }
    }
  }
}

/** Forward over T steps of a batch of B sequences; `x` is [T × B × inputs] at xOff. Fills ws.hs. */
export function layerForward(
  params: Float64Array,
  at: LayerOffsets,
  H: number,
  x: Float64Array,
  xOff: number,
  T: number,
  B: number,
  ws: LayerWorkspace,
): void {
  const G = 3 * H;
  const BH = B * H;
  ws.hs.fill(0, 0, BH);
  gemmNT(x, xOff, params, at.wx, ws.gx, 0, T * B, G, at.inputs, false, params, at.bx);
  const saved = { r: ws.r, z: ws.z, n: ws.n, hn: ws.hn, off: 0 };
  for (let t = 0; t < T; t++) {
    gemmNT(ws.hs, t * BH, params, at.wh, ws.gh, 0, B, G, H, false, params, at.bh);
    saved.off = t * BH;
    gateStep(H, B, ws.gx, t * B * G, ws.gh, ws.hs, t * BH, ws.hs, (t + 1) * BH, saved);
  }
}

/**
 * Backward through time. Reads ws.dhs (∂loss/∂h_t for t = 1…T), adds the weight and bias gradients
 * into `grads`, and, when `dx` is given, writes ∂loss/∂x ([T × B × inputs]) there.
 */
export function layerBackward(
  params: Float64Array,
  grads: Float64Array,
  at: LayerOffsets,
  H: number,
  x: Float64Array,
  xOff: number,
  T: number,
  B: number,
  ws: LayerWorkspace,
  dx?: Float64Array,
): void {
  const G = 3 * H;
  const BH = B * H;
  const rows = T * B;
  transpose(params, at.wh, G, H, ws.whT);
  let dh = ws.dh;
  let next = ws.dhNext;
  dh.fill(0, 0, BH);
  for (let t = T - 1; t >= 0; t--) {
    const s = t * BH;
    const g = t * B * G;
    for (let b = 0; b < B; b++) {
      const row = s + b * H;
      const grow = g + b * G;
      for (let j = 0; j < H; j++) {
        const i = row + j;
        const d = dh[b * H + j]! + ws.dhs[i]!;
        const r = ws.r[i]!;
        const z = ws.z[i]!;
        const n = ws.n[i]!;
        const previous = ws.hs[i]!;
        const dn = d * (1 - z);
        const dan = dn * (1 - n * n);
        const dar = dan * ws.hn[i]! * r * (1 - r);
        const daz = d * (previous - n) * z * (1 - z);
        ws.dgx[grow + j] = dar;
        ws.dgx[grow + H + j] = daz;
        ws.dgx[grow + 2 * H + j] = dan;
        ws.dgh[grow + j] = dar;
        ws.dgh[grow + H + j] = daz;
        ws.dgh[grow + 2 * H + j] = dan * r;
        next[b * H + j] = d * z;
      }
    }
    // ∂/∂h_{t−1} through the hidden projections: dGh_t · Wh.
    gemmNT(ws.dgh, g, ws.whT, 0, next, 0, B, H, G, true);
    const swap = dh;
    dh = next;
    next = swap;
  }
  // Weight gradients over all steps at once: dWh += dGhᵀ·H_prev, dWx += dGxᵀ·X.
  transpose(ws.dgh, 0, rows, G, ws.gT);
  transpose(ws.hs, 0, rows, H, ws.xT);
  gemmNT(ws.gT, 0, ws.xT, 0, grads, at.wh, G, H, rows, true);
  addColumnSums(ws.dgh, 0, rows, G, grads, at.bh);
  transpose(ws.dgx, 0, rows, G, ws.gT);
  transpose(x, xOff, rows, at.inputs, ws.xT);
  gemmNT(ws.gT, 0, ws.xT, 0, grads, at.wx, G, at.inputs, rows, true);
  addColumnSums(ws.dgx, 0, rows, G, grads, at.bx);
  if (dx) {
    transpose(params, at.wx, G, at.inputs, ws.wxT);
    gemmNT(ws.dgx, 0, ws.wxT, 0, dx, 0, rows, at.inputs, G, false);
  }
}

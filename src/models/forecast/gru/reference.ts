/**
 * The GRU written the straightforward way: one sequence at a time, one gate at a time, each a
 * matrix–vector product over plain arrays, backpropagation through time step by step. It reads the
 * same flat parameter vector as `GruNetwork`, so it serves two purposes: the test oracle the fused
 * kernel must agree with, and the reference side of the `gru-train` benchmark (what the fused,
 * batched kernel is measured against in the same run).
 */
import type { GruNetwork } from './network.js';

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** y = W[rows × cols]·v (+ b), W read from `p` at `w` row-major. */
function matvec(p: Float64Array, w: number, rows: number, cols: number, v: number[], b?: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < cols; k++) s += p[w + i * cols + k]! * v[k]!;
    out.push(b === undefined ? s : s + p[b + i]!);
  }
  return out;
}

interface StepCache {
  x: number[];
  previous: number[];
  r: number[];
  z: number[];
  n: number[];
  hn: number[];
}

/** Loss (MSE) and gradient of the network's parameters, computed sequence by sequence and gate by gate. */
export function referenceLossAndGradient(
  network: GruNetwork,
  x: Float64Array,
  y: Float64Array,
  T: number,
  B: number,
  lossSteps = 1,
): { loss: number; grads: Float64Array } {
  const { hidden: H, outputs: O, inputs: I } = network.shape;
  const p = network.params;
  const grads = new Float64Array(p.length);
  const count = lossSteps * B * O;
  let loss = 0;
  for (let b = 0; b < B; b++) {
    // Forward, keeping every gate of every layer and step.
    const caches: StepCache[][] = network.layerOffsets.map(() => []);
    let sequence: number[][] = [];
    for (let t = 0; t < T; t++) sequence.push(Array.from({ length: I }, (_, k) => x[(t * B + b) * I + k]!));
    for (const [l, at] of network.layerOffsets.entries()) {
      let h = new Array<number>(H).fill(0);
      const outputs: number[][] = [];
      for (const input of sequence) {
        const gate = (g: number, withR?: number[]) => {
          const fromX = matvec(p, at.wx + g * H * at.inputs, H, at.inputs, input, at.bx + g * H);
          const fromH = matvec(p, at.wh + g * H * H, H, H, h, at.bh + g * H);
          return { fromX, fromH, sum: fromX.map((v, j) => v + (withR ? withR[j]! * fromH[j]! : fromH[j]!)) };
        };
        const r = gate(0).sum.map(sigmoid);
        const z = gate(1).sum.map(sigmoid);
        const candidate = gate(2, r);
        const n = candidate.sum.map(Math.tanh);
        const next = n.map((nj, j) => (1 - z[j]!) * nj + z[j]! * h[j]!);
        caches[l]!.push({ x: input, previous: h, r, z, n, hn: candidate.fromH });
        outputs.push(next);
        h = next;
      }
      sequence = outputs;
    }
    // Head and loss at the scored steps; gradients flow back into the top layer's outputs.
    let dOut: number[][] = sequence.map(() => new Array<number>(H).fill(0));
    for (let s = 0; s < lossSteps; s++) {
      const t = T - lossSteps + s;
      const predicted = matvec(p, network.head.wo, O, H, sequence[t]!, network.head.bo);
      for (let o = 0; o < O; o++) {
        const e = predicted[o]! - y[(s * B + b) * O + o]!;
        loss += e * e;
        const d = (2 * e) / count;
        grads[network.head.bo + o] = grads[network.head.bo + o]! + d;
        for (let k = 0; k < H; k++) {
          grads[network.head.wo + o * H + k] = grads[network.head.wo + o * H + k]! + d * sequence[t]![k]!;
          dOut[t]![k] = dOut[t]![k]! + d * p[network.head.wo + o * H + k]!;
        }
      }
    }
    for (let l = network.layerOffsets.length - 1; l >= 0; l--) {
      const at = network.layerOffsets[l]!;
      const dInputs: number[][] = [];
      let dh = new Array<number>(H).fill(0);
      for (let t = T - 1; t >= 0; t--) {
        const c = caches[l]![t]!;
        const d = dh.map((v, j) => v + dOut[t]![j]!);
        const dPrevious = d.map((v, j) => v * c.z[j]!);
        const dX = new Array<number>(at.inputs).fill(0);
        const gates = [
          c.r.map((r, j) => d[j]! * (1 - c.z[j]!) * (1 - c.n[j]! ** 2) * c.hn[j]! * r * (1 - r)),
          c.z.map((z, j) => d[j]! * (c.previous[j]! - c.n[j]!) * z * (1 - z)),
          c.n.map((n, j) => d[j]! * (1 - c.z[j]!) * (1 - n * n)),
        ];
        for (const [g, da] of gates.entries()) {
          for (let j = 0; j < H; j++) {
            const dHidden = g === 2 ? da[j]! * c.r[j]! : da[j]!;
            const row = g * H + j;
            grads[at.bx + row] = grads[at.bx + row]! + da[j]!;
            grads[at.bh + row] = grads[at.bh + row]! + dHidden;
            for (let k = 0; k < at.inputs; k++) {
              grads[at.wx + row * at.inputs + k] = grads[at.wx + row * at.inputs + k]! + da[j]! * c.x[k]!;
              dX[k] = dX[k]! + da[j]! * p[at.wx + row * at.inputs + k]!;
            }
            for (let k = 0; k < H; k++) {
              grads[at.wh + row * H + k] = grads[at.wh + row * H + k]! + dHidden * c.previous[k]!;
              dPrevious[k] = dPrevious[k]! + dHidden * p[at.wh + row * H + k]!;
            }
          }
        }
        dInputs[t] = dX;
        dh = dPrevious;
      }
      dOut = dInputs;
    }
  }
  return { loss: loss / count, grads };
}

/**
 * A stack of GRU layers with a linear head, all parameters in one Float64Array (so the optimiser,
 * the gradient check and serialisation each see one flat vector). Training runs sequence batches
 * through `lossAndGradient` (mean squared error on the head's outputs at the last `lossSteps` steps
 * of each sequence: 1 for sequence-to-one, more for truncated BPTT over a window with a burn-in);
 * forecasting runs the same arithmetic one step at a time through a `GruStepper`.
 */
import { FleetcastError } from '../../../core/errors.js';
import { createRandom } from '../random.js';
import { gemmNT, transpose } from './gemm.js';
import { gateStep, type LayerOffsets, LayerWorkspace, layerBackward, layerForward } from './layer.js';

export interface GruShape {
  inputs: number;
  hidden: number;
  layers: number;
  outputs: number;
}

interface HeadOffsets {
  /** Wo [outputs × H] */
  wo: number;
  /** bo [outputs] */
  bo: number;
}

export function parameterCount(shape: GruShape): number {
  const G = 3 * shape.hidden;
  let size = 0;
  for (let l = 0; l < shape.layers; l++) {
    const inputs = l === 0 ? shape.inputs : shape.hidden;
    size += G * inputs + G * shape.hidden + 2 * G;
  }
  return size + shape.outputs * shape.hidden + shape.outputs;
}

export class GruNetwork {
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly layerOffsets: LayerOffsets[] = [];
  readonly head: HeadOffsets;
  private readonly workspaces: LayerWorkspace[];
  private predictions = new Float64Array(0);
  private dPredictions = new Float64Array(0);
  private readonly woT: Float64Array;
  private pT = new Float64Array(0);
  private hT = new Float64Array(0);

  constructor(
    readonly shape: GruShape,
    params?: Float64Array,
  ) {
    for (const [name, value] of Object.entries(shape)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `GRU: ${name} ${value} is not a positive integer`, {
          hint: 'inputs, hidden, layers and outputs are counts',
        });
      }
    }
    const size = parameterCount(shape);
    if (params && params.length !== size) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `GRU: ${params.length} parameters given, the shape needs ${size}`,
        { hint: 'the saved weights do not match the saved shape; fit and save the model again' },
      );
    }
    this.params = params ?? new Float64Array(size);
    this.grads = new Float64Array(size);
    const H = shape.hidden;
    const G = 3 * H;
    let offset = 0;
    for (let l = 0; l < shape.layers; l++) {
      const inputs = l === 0 ? shape.inputs : H;
      const at: LayerOffsets = { inputs, wx: offset, wh: 0, bx: 0, bh: 0 };
      offset += G * inputs;
      at.wh = offset;
      offset += G * H;
      at.bx = offset;
      offset += G;
      at.bh = offset;
      offset += G;
      this.layerOffsets.push(at);
    }
    this.head = { wo: offset, bo: offset + shape.outputs * H };
    this.workspaces = this.layerOffsets.map((at) => new LayerWorkspace(H, at.inputs));
    this.woT = new Float64Array(H * shape.outputs);
  }

  /** PyTorch's default initialisation: every weight and bias uniform in ±1/√H, from a seeded PRNG. */
  static initialised(shape: GruShape, seed: number): GruNetwork {
    const network = new GruNetwork(shape);
    const uniform = createRandom(seed);
    const bound = 1 / Math.sqrt(shape.hidden);
    for (let i = 0; i < network.params.length; i++) network.params[i] = (2 * uniform() - 1) * bound;
    return network;
  }

  /**
   * Runs a batch: `x` is [T × B × inputs] (time-major); returns the head's outputs at the last
   * `lossSteps` steps, [lossSteps × B × outputs] (a view valid until the next call).
   */
  forward(x: Float64Array, T: number, B: number, lossSteps = 1): Float64Array {
    const { hidden: H, outputs: O, inputs: I } = this.shape;
    if (x.length < T * B * I || lossSteps < 1 || lossSteps > T) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'GRU: batch shape does not match the input', {
        hint: `x needs T·B·inputs = ${T * B * I} values and 1 ≤ lossSteps ≤ T`,
      });
    }
    let input = x;
    let inputOff = 0;
    for (const [l, at] of this.layerOffsets.entries()) {
      const ws = this.workspaces[l]!;
      ws.ensure(T, B);
      layerForward(this.params, at, H, input, inputOff, T, B, ws);
      input = ws.hs;
      inputOff = B * H;
    }
    const rows = lossSteps * B;
    if (this.predictions.length < rows * O) {
      this.predictions = new Float64Array(rows * O);
      this.dPredictions = new Float64Array(rows * O);
    }
    const top = this.workspaces[this.workspaces.length - 1]!;
    const first = (T - lossSteps + 1) * B * H;
    gemmNT(top.hs, first, this.params, this.head.wo, this.predictions, 0, rows, O, H, false, this.params, this.head.bo);
    return this.predictions.subarray(0, rows * O);
  }

  /**
   * Mean squared error of a batch against `y` ([lossSteps × B × outputs]); the gradient of that loss
   * with respect to every parameter is left in `grads` (overwritten, not accumulated).
   */
  lossAndGradient(x: Float64Array, y: Float64Array, T: number, B: number, lossSteps = 1): number {
    const { hidden: H, outputs: O } = this.shape;
    const predicted = this.forward(x, T, B, lossSteps);
    const count = predicted.length;
    const dp = this.dPredictions;
    let loss = 0;
    for (let i = 0; i < count; i++) {
      const e = predicted[i]! - y[i]!;
      loss += e * e;
      dp[i] = (2 * e) / count;
    }
    this.grads.fill(0);
    // Head: dWo += dPᵀ·H_top, dbo += Σ dP, ∂/∂H_top = dP·Wo at the scored steps (zero elsewhere).
    const rows = lossSteps * B;
    const top = this.workspaces[this.workspaces.length - 1]!;
    const first = (T - lossSteps + 1) * B * H;
    if (this.pT.length < rows * Math.max(O, H)) {
      this.pT = new Float64Array(rows * Math.max(O, H));
      this.hT = new Float64Array(rows * H);
    }
    transpose(dp, 0, rows, O, this.pT);
    transpose(top.hs, first, rows, H, this.hT);
    gemmNT(this.pT, 0, this.hT, 0, this.grads, this.head.wo, O, H, rows, true);
    for (let i = 0; i < rows; i++) {
      for (let o = 0; o < O; o++) this.grads[this.head.bo + o] = this.grads[this.head.bo + o]! + dp[i * O + o]!;
    }
    transpose(this.params, this.head.wo, O, H, this.woT);
    top.dhs.fill(0, 0, T * B * H);
    gemmNT(dp, 0, this.woT, 0, top.dhs, (T - lossSteps) * B * H, rows, H, O, false);
    for (let l = this.layerOffsets.length - 1; l >= 0; l--) {
      const ws = this.workspaces[l]!;
      const below = l > 0 ? this.workspaces[l - 1]! : undefined;
      layerBackward(
        this.params,
        this.grads,
        this.layerOffsets[l]!,
        H,
        below ? below.hs : x,
        below ? B * H : 0,
        T,
        B,
        ws,
        below?.dhs,
      );
    }
    return loss / count;
  }

  /** A stepper for B sequences at once, starting from zero state. */
  stepper(B: number): GruStepper {
    return new GruStepper(this, B);
  }
}

/** Runs the network one step at a time (recursive forecasting feeds each output back as input). */
export class GruStepper {
  private readonly states: Float64Array[];
  private readonly next: Float64Array[];
  private readonly gx: Float64Array;
  private readonly gh: Float64Array;
  private readonly out: Float64Array;

  constructor(
    private readonly network: GruNetwork,
    private readonly batch: number,
  ) {
    const { hidden: H, layers, outputs } = network.shape;
    this.states = Array.from({ length: layers }, () => new Float64Array(batch * H));
    this.next = Array.from({ length: layers }, () => new Float64Array(batch * H));
    this.gx = new Float64Array(batch * 3 * H);
    this.gh = new Float64Array(batch * 3 * H);
    this.out = new Float64Array(batch * outputs);
  }

  /** Advances every sequence by one input row ([B × inputs] at xOff); returns the outputs [B × outputs]. */
  step(x: Float64Array, xOff = 0): Float64Array {
    const { params, layerOffsets, head, shape } = this.network;
    const H = shape.hidden;
    const G = 3 * H;
    const B = this.batch;
    let input = x;
    let inputOff = xOff;
    for (const [l, at] of layerOffsets.entries()) {
      gemmNT(input, inputOff, params, at.wx, this.gx, 0, B, G, at.inputs, false, params, at.bx);
      gemmNT(this.states[l]!, 0, params, at.wh, this.gh, 0, B, G, H, false, params, at.bh);
      gateStep(H, B, this.gx, 0, this.gh, this.states[l]!, 0, this.next[l]!, 0);
      const done = this.states[l]!;
      this.states[l] = this.next[l]!;
      this.next[l] = done;
      input = this.states[l]!;
      inputOff = 0;
    }
    gemmNT(input, 0, params, head.wo, this.out, 0, B, shape.outputs, H, false, params, head.bo);
    return this.out;
  }
}

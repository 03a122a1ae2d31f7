/**
 * The fitted GRU sequence performance model: per service, a `GruNetwork` (float32 weights, base64)
 * and the min–max scaler of its four inputs. It predicts a service's next poll — response time,
 * throughput and CPU (or with `targetPolls` k > 1 their mean over the next k polls) — from the
 * service's last `window` polls, oldest first. Serialised as plain JSON (the `performance` flavor's
 * `performance-gru.json`) and validated when read back, so a damaged file fails with its path.
 */
import { z } from 'zod';
import { FleetcastError } from '../../../core/errors.js';
import { GruNetwork } from '../../forecast/gru/network.js';
import { INPUT_COUNT, TARGET_COUNT } from './series.js';
import { type MinMax, scaleValue, unscaleValue } from './windows.js';

export const PERFORMANCE_GRU_KIND = 'fleetcast.performance-gru/v1';

const finite = z.number().refine(Number.isFinite, 'must be finite');
const positiveInteger = z.number().int().positive();

const ServiceGruSchema = z.object({
  service: z.string().min(1),
  min: z.array(finite).length(INPUT_COUNT),
  max: z.array(finite).length(INPUT_COUNT),
  /** float32 little-endian, base64. */
  weights: z.string().min(1),
});

export const PerformanceGruParamsSchema = z.object({
  kind: z.literal(PERFORMANCE_GRU_KIND),
  window: positiveInteger,
  targetPolls: positiveInteger,
  hidden: positiveInteger,
  layers: positiveInteger,
  bucketSeconds: z.number().positive(),
  services: z.array(ServiceGruSchema).min(1),
});
export type PerformanceGruParams = z.infer<typeof PerformanceGruParamsSchema>;
export type ServiceGruParams = z.infer<typeof ServiceGruSchema>;

/** One prediction request: the service's last `window` polls, oldest first. */
export interface SequenceInput {
  service: string;
  users: readonly number[];
  responseTime: readonly number[];
  throughput: readonly number[];
  cpu: readonly number[];
}

export interface SequenceOutput {
  service: string;
  responseTime: number;
  throughput: number;
  cpu: number;
}

export const encodeWeights = (params: Float64Array): string =>
  Buffer.from(new Float32Array(params).buffer).toString('base64');

function decodeWeights(base64: string, where: string): Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 4 !== 0) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: weights are not whole float32 values`, {
      hint: 'the model file is damaged; train the model again',
    });
  }
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return Float64Array.from(new Float32Array(copy));
}

interface ServiceNetwork {
  scaler: MinMax;
  network: GruNetwork;
}

export class PerformanceGruModel {
  private readonly byService = new Map<string, ServiceNetwork>();

  constructor(
    readonly params: PerformanceGruParams,
    source = 'model parameters',
  ) {
    for (const s of params.services) {
      const shape = { inputs: INPUT_COUNT, hidden: params.hidden, layers: params.layers, outputs: TARGET_COUNT };
      const network = new GruNetwork(shape, decodeWeights(s.weights, `${source}: ${s.service}`));
      if (!network.params.every(Number.isFinite)) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${source}: ${s.service}: weights are not finite`, {
          hint: 'the model file is damaged; train the model again',
        });
      }
      this.byService.set(s.service, { scaler: { min: s.min, max: s.max }, network });
    }
  }

  get services(): string[] {
    return [...this.byService.keys()];
  }

  get window(): number {
    return this.params.window;
  }

  /** Predictions for each input (grouped per service into one forward pass each). */
  predict(inputs: readonly SequenceInput[]): SequenceOutput[] {
    const outputs = new Array<SequenceOutput>(inputs.length);
    const groups = new Map<string, number[]>();
    inputs.forEach((input, i) => {
      this.check(input);
      const list = groups.get(input.service);
      if (list) list.push(i);
      else groups.set(input.service, [i]);
    });
    const W = this.params.window;
    for (const [service, indices] of groups) {
      const { scaler, network } = this.byService.get(service)!;
      const B = indices.length;
      const x = new Float64Array(W * B * INPUT_COUNT);
      indices.forEach((index, b) => {
        const input = inputs[index]!;
        const columns = [input.users, input.responseTime, input.throughput, input.cpu];
        for (let t = 0; t < W; t++) {
          for (let j = 0; j < INPUT_COUNT; j++) {
            x[(t * B + b) * INPUT_COUNT + j] = scaleValue(scaler, j, columns[j]![t]!);
          }
        }
      });
      const predicted = network.forward(x, W, B, 1);
      indices.forEach((index, b) => {
        const value = (o: number): number => unscaleValue(scaler, 1 + o, predicted[b * TARGET_COUNT + o]!);
        outputs[index] = { service, responseTime: value(0), throughput: value(1), cpu: value(2) };
      });
    }
    return outputs;
  }

  private check(input: SequenceInput): void {
    if (!this.byService.has(input.service)) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `the model has no service "${input.service}"`, {
        hint: `services in this model: ${this.services.join(', ')}`,
      });
    }
    const W = this.params.window;
    const columns = {
      users: input.users,
      response_time: input.responseTime,
      throughput: input.throughput,
      cpu: input.cpu,
    };
    for (const [name, values] of Object.entries(columns)) {
      if (!Array.isArray(values) || values.length !== W || !values.every((v) => Number.isFinite(v))) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `${input.service}: recent ${name} must be ${W} finite numbers (the last ${W} polls, oldest first)`,
          { hint: `the GRU reads a window of ${W} polls per service; pass each measurement's last ${W} values` },
        );
      }
    }
  }

  toJSON(): PerformanceGruParams {
    return this.params;
  }

  static fromJSON(raw: unknown, source = 'model parameters'): PerformanceGruModel {
    const parsed = PerformanceGruParamsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
        { hint: `the file is not ${PERFORMANCE_GRU_KIND} parameters; train the model again` },
      );
    }
    return new PerformanceGruModel(parsed.data, source);
  }
}

/**
 * A tiny stand-in for a Chronos-Bolt ONNX export, for tests and examples (nothing downloaded): the
 * same I/O contract — float32 `context` [batch, context_length] with NaN for missing points in,
 * `quantile_preds` [batch, Q, prediction_length] out — and the same instance normalisation, but
 * no network: the normalised forecast is a constant table z[q][h], so the output has a closed form
 *
 *   quantile_preds[b, q, h] = loc_b + scale_b · z[q][h],
 *
 * where loc and scale are the mean and standard deviation of the observed (non-NaN) context values
 * (scale 1e-5 when 0), as ChronosBoltModelForForecasting's InstanceNorm computes them. Built from
 * basic ops (IsNaN, Where, ReduceSum, Div, Sqrt, Mul, Add) with the encoder of ../onnx/proto.ts.
 * `scripts/make-tiny-chronos-bolt.mjs` writes it to fixtures/tiny-chronos-bolt/.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeFolderSync } from '../../core/folders.js';
import { FORECAST_QUANTILES } from '../forecast/types.js';
import { DataType, modelProto, type NodeSpec, type TensorSpec } from '../onnx/proto.js';
import { CHRONOS_BOLT_ARCHITECTURE, CHRONOS_INPUT, CHRONOS_OUTPUT } from './types.js';

/** InstanceNorm's floor for a constant context. */
export const TINY_CHRONOS_EPS = 1e-5;

export interface TinyChronosOptions {
  contextLength?: number;
  predictionLength?: number;
  /** Quantile levels, in output order (default 0.1…0.9). */
  quantiles?: readonly number[];
  /** The normalised forecast z[q][h] (default: tinyChronosZ). */
  z?: readonly (readonly number[])[];
  input?: string;
  output?: string;
  /** Declare the context axis symbolic, as an export with a dynamic context axis does. */
  dynamicContext?: boolean;
}

type Resolved = Required<Omit<TinyChronosOptions, 'z'>> & { z: number[][] };

/** An upward trend with quantiles that spread like √h: z = 0.2·(h+1) + 2·(level − 0.5)·√(h+1). */
export function tinyChronosZ(quantiles: readonly number[], predictionLength: number): number[][] {
  return quantiles.map((level) =>
    Array.from({ length: predictionLength }, (_, h) => 0.2 * (h + 1) + 2 * (level - 0.5) * Math.sqrt(h + 1)),
  );
}

function resolve(options: TinyChronosOptions): Resolved {
  const quantiles = [...(options.quantiles ?? FORECAST_QUANTILES)];
  const predictionLength = options.predictionLength ?? 8;
  const z = (options.z ?? tinyChronosZ(quantiles, predictionLength)).map((row) => [...row]);
  if (z.length !== quantiles.length || z.some((row) => row.length !== predictionLength)) {
    throw new Error(`z must be [${quantiles.length}][${predictionLength}]`);
  }
  return {
    contextLength: options.contextLength ?? 32,
    predictionLength,
    quantiles,
    z,
    input: options.input ?? CHRONOS_INPUT,
    output: options.output ?? CHRONOS_OUTPUT,
    dynamicContext: options.dynamicContext ?? false,
  };
}

/** The tiny model as an ONNX graph (opset 17). */
export function tinyChronosBoltOnnx(options: TinyChronosOptions = {}): Buffer {
  const o = resolve(options);
  const nodes: NodeSpec[] = [];
  let counter = 0;
  const node = (op: string, inputs: string[], attributes?: NodeSpec['attributes']): string => {
    const output = `${op.toLowerCase()}_${counter++}`;
    nodes.push({ op, inputs, outputs: [output], name: `/${output}`, ...(attributes ? { attributes } : {}) });
    return output;
  };
  const initializers: TensorSpec[] = [
    { name: 'zero', type: DataType.FLOAT, dims: [], values: [0] },
    { name: 'one', type: DataType.FLOAT, dims: [], values: [1] },
    { name: 'eps', type: DataType.FLOAT, dims: [], values: [TINY_CHRONOS_EPS] },
    { name: 'time_axis', type: DataType.INT64, dims: [1], values: [1] },
    { name: 'step_axis', type: DataType.INT64, dims: [1], values: [2] },
    { name: 'z', type: DataType.FLOAT, dims: [o.quantiles.length, o.predictionLength], values: o.z.flat() },
  ];
  const sum = (x: string) => node('ReduceSum', [x, 'time_axis'], { keepdims: { int: 1 } });
  const missing = node('IsNaN', [o.input]);
  const observed = node('Cast', [node('Not', [missing])], { to: { int: DataType.FLOAT } });
  const filled = node('Where', [missing, 'zero', o.input]);
  const count = node('Max', [sum(observed), 'one']);
  const loc = node('Div', [sum(filled), count]);
  const deviation = node('Mul', [node('Sub', [filled, loc]), observed]);
  const std = node('Sqrt', [node('Div', [sum(node('Mul', [deviation, deviation])), count])]);
  const scale = node('Where', [node('Equal', [std, 'zero']), 'eps', std]);
  const forecast = node('Add', [
    node('Unsqueeze', [loc, 'step_axis']),
    node('Mul', [node('Unsqueeze', [scale, 'step_axis']), 'z']),
  ]);
  nodes.push({ op: 'Identity', inputs: [forecast], outputs: [o.output], name: `/${o.output}` });
  return modelProto({
    graphName: 'tiny_chronos_bolt',
    producer: 'fleetcast',
    opset: 17,
    irVersion: 8,
    nodes,
    initializers,
    inputs: [
      {
        name: o.input,
        type: DataType.FLOAT,
        dims: ['batch_size', o.dynamicContext ? 'context_length' : o.contextLength],
      },
    ],
    outputs: [{ name: o.output, type: DataType.FLOAT, dims: ['batch_size', o.quantiles.length, o.predictionLength] }],
  });
}

/** The closed form, in float64: `[q][h]` for one context (NaN = missing). */
export function tinyChronosBoltForward(context: readonly number[], options: TinyChronosOptions = {}): number[][] {
  const o = resolve(options);
  const seen = context.filter((x) => !Number.isNaN(x));
  const n = Math.max(seen.length, 1);
  const loc = seen.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(seen.reduce((a, b) => a + (b - loc) ** 2, 0) / n);
  const scale = std === 0 ? TINY_CHRONOS_EPS : std;
  return o.z.map((row) => row.map((z) => loc + scale * z));
}

/** config.json of the tiny model, in the Hugging Face Chronos-Bolt form. */
export function tinyChronosBoltConfig(options: TinyChronosOptions = {}): Record<string, unknown> {
  const o = resolve(options);
  return {
    architectures: [CHRONOS_BOLT_ARCHITECTURE],
    chronos_config: {
      context_length: o.contextLength,
      input_patch_size: 4,
      input_patch_stride: 4,
      prediction_length: o.predictionLength,
      quantiles: o.quantiles,
      use_reg_token: true,
    },
    chronos_pipeline_class: 'ChronosBoltPipeline',
    model_type: 't5',
    torch_dtype: 'float32',
    description: 'Fleetcast tiny test model: loc + scale · z[q][h], not a trained forecaster',
  };
}

/**
 * Writes the tiny model as a Chronos-Bolt folder: config.json beside model.onnx (or
 * onnx/model.onnx with `layout: 'optimum'`). Returns the files written, relative to `dir`.
 */
export function writeTinyChronosBolt(
  dir: string,
  options: TinyChronosOptions & { layout?: 'flat' | 'optimum' } = {},
): string[] {
  const onnxFile = options.layout === 'optimum' ? 'onnx/model.onnx' : 'model.onnx';
  const files: Record<string, Buffer | string> = {
    'config.json': `${JSON.stringify(tinyChronosBoltConfig(options), null, 2)}\n`,
    [onnxFile]: tinyChronosBoltOnnx(options),
  };
  for (const [name, content] of Object.entries(files)) {
    makeFolderSync(dirname(join(dir, name)));
    writeFileSync(join(dir, name), content);
  }
  return Object.keys(files);
}

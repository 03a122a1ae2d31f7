/**
 * The ONNX side of a Chronos-Bolt model: one onnxruntime session, the checks that its graph has the
 * Chronos-Bolt I/O contract — float32 `context` [batch, context_length] in, float32
 * `quantile_preds` [batch, n_quantiles, prediction_length] out — and batched runs over many
 * contexts. Dimensions the graph declares symbolically (dynamic axes) are checked on every answer.
 */
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { SessionThread, type TensorMetadata, type TensorResult } from '../onnx/session-thread.js';
import { CHRONOS_INPUT, CHRONOS_OUTPUT } from './types.js';

/** Contexts per session.run: bounds the memory of one call whatever the request count. */
export const CHRONOS_RUN_BATCH = 64;

export interface ChronosShape {
  contextLength: number;
  quantiles: number;
  predictionLength: number;
}

export interface ChronosSession {
  input: string;
  output: string;
  /** Answers `[n, quantiles, predictionLength]` (row-major) for `n` contexts of contextLength values. */
  run(contexts: Float32Array, n: number): Promise<Float32Array>;
  release(): Promise<void>;
}

type Metadata = TensorMetadata;

const EXPORT_HINT =
  'export ChronosBoltModelForForecasting.forward with input_names=["context"], output_names=["quantile_preds"] (docs/models.md)';

/** The tensor to use: the one named, else the preferred name, else the graph's only one. */
function pickName(kind: 'input' | 'output', names: readonly string[], wanted: string | undefined, where: string) {
  const preferred = kind === 'input' ? CHRONOS_INPUT : CHRONOS_OUTPUT;
  const name = wanted ?? (names.includes(preferred) ? preferred : names.length === 1 ? names[0] : undefined);
  if (name === undefined || !names.includes(name)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: the graph has no ${kind} ${wanted ?? preferred} (its ${kind}s: ${names.join(', ') || 'none'})`,
      { hint: `${EXPORT_HINT}, or name the ${kind} tensor when saving (onnx.${kind})` },
    );
  }
  return name;
}

function badShape(where: string, what: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: ${what}`, { hint: EXPORT_HINT });
}

/** Checks declared dims against `expected` (undefined: any); symbolic dims pass here. */
function checkDeclared(
  meta: Metadata | undefined,
  expected: Array<number | undefined>,
  label: string,
  where: string,
): void {
  if (!meta?.isTensor) throw badShape(where, `${label} is not a tensor`);
  if (meta.type !== 'float32') throw badShape(where, `${label} is ${meta.type}, not float32`);
  const shape = meta.shape ?? [];
  if (shape.length === 0) return; // shape not declared: checked on every answer instead
  const mismatch =
    shape.length !== expected.length ||
    shape.some((dim, i) => typeof dim === 'number' && dim > 0 && expected[i] !== undefined && dim !== expected[i]);
  if (mismatch) {
    const want = expected.map((d) => d ?? 'batch').join(', ');
    throw badShape(where, `${label} has shape [${shape.join(', ')}], not [${want}]`);
  }
}

export async function openChronosSession(
  onnx: Buffer,
  shape: ChronosShape,
  names: { input?: string | undefined; output?: string | undefined },
  where: string,
): Promise<ChronosSession> {
  let session: SessionThread;
  try {
    // In its own thread: one run of a real Chronos-Bolt takes tens to hundreds of ms, which on the
    // event loop would stop every other request of a server for as long.
    session = await SessionThread.open(onnx);
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: not a loadable ONNX model: ${errorMessage(error)}`,
      {
        hint: EXPORT_HINT,
      },
    );
  }
  const input = pickName('input', session.inputNames, names.input, where);
  const output = pickName('output', session.outputNames, names.output, where);
  const others = session.inputNames.filter((name) => name !== input);
  if (others.length > 0) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: the graph also needs input ${others.join(', ')}; Fleetcast feeds only ${input}`,
      { hint: 'export forward(context) alone: missing values are NaN in the context, no mask input' },
    );
  }
  const inputMeta = session.inputMetadata.find((m) => m.name === input);
  const outputMeta = session.outputMetadata.find((m) => m.name === output);
  checkDeclared(inputMeta, [undefined, shape.contextLength], `input ${input}`, where);
  checkDeclared(outputMeta, [undefined, shape.quantiles, shape.predictionLength], `output ${output}`, where);
  const step = shape.quantiles * shape.predictionLength;

  const runOnce = async (contexts: Float32Array, n: number): Promise<Float32Array> => {
    let tensor: TensorResult;
    try {
      tensor = await session.run(input, output, contexts, [n, shape.contextLength]);
    } catch (error) {
      throw new FleetcastError('FLEETCAST_BACKEND_ERROR', `${where}: the model failed: ${errorMessage(error)}`, {
        hint: `the graph must take ${input} as float32 [batch, ${shape.contextLength}]`,
      });
    }
    const dims = tensor.dims;
    if (
      tensor.tensorType !== 'float32' ||
      dims.length !== 3 ||
      dims[0] !== n ||
      dims[1] !== shape.quantiles ||
      dims[2] !== shape.predictionLength
    ) {
      throw badShape(
        where,
        `output ${output} answered ${tensor.tensorType ?? 'nothing'} [${dims.join(', ')}], not float32 [${n}, ${shape.quantiles}, ${shape.predictionLength}]`,
      );
    }
    return tensor.data as Float32Array;
  };

  return {
    input,
    output,
    run: async (contexts, n) => {
      if (n <= CHRONOS_RUN_BATCH) return runOnce(contexts, n);
      const out = new Float32Array(n * step);
      for (let start = 0; start < n; start += CHRONOS_RUN_BATCH) {
        const count = Math.min(CHRONOS_RUN_BATCH, n - start);
        const part = contexts.slice(start * shape.contextLength, (start + count) * shape.contextLength);
        out.set(await runOnce(part, count), start * step);
      }
      return out;
    },
    release: () => session.close(),
  };
}

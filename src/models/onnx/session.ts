/**
 * Sessions of the `onnx` flavor. A loaded model runs on the event loop's thread when one row takes
 * less than a thread hop would cost (linear models, small trees), and in its own thread otherwise
 * (session-thread.ts): onnxruntime-node's run blocks the thread that calls it.
 */
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { loadOrt, type Ort } from './runtime.js';
import { SessionThread, type TensorResult } from './session-thread.js';

/** Tensor names from the signature (`"onnx": {"input", "output"}`); default: the graph's first. */
export interface TensorNames {
  onnx?: { input?: string; output?: string } | undefined;
}

export interface Session {
  /** One run on the float input [N, k]; the output tensor named by `output`. */
  run: (data: Float32Array, dims: number[]) => Promise<TensorResult>;
  input: string;
  output: string;
  /** Where runs happen: on the calling thread, or in the session's own thread. */
  runsOn: 'loop' | 'thread';
  /** Frees the session; later runs are refused. */
  close: () => Promise<void>;
}

const notLoadable = (where: string, error: unknown) =>
  new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${where}: not a loadable ONNX model: ${errorMessage(error)}`, {
    hint: 'export the model with a recent opset (torch.onnx.export, skl2onnx)',
  });

/** The graph's input and output tensors: named in the signature, or its first ones. */
function tensorNames(
  signature: TensorNames,
  where: string,
  graph: { inputNames: readonly string[]; outputNames: readonly string[] },
): { input: string; output: string } {
  const input = signature.onnx?.input ?? graph.inputNames[0];
  const output = signature.onnx?.output ?? graph.outputNames[0];
  if (!input || !graph.inputNames.includes(input) || !output || !graph.outputNames.includes(output)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${where}: the graph has inputs ${graph.inputNames.join(', ')} and outputs ${graph.outputNames.join(', ')}`,
      {
        hint: 'name the tensors with "onnx": {"input": …, "output": …} in the signature',
      },
    );
  }
  return { input, output };
}

/** A session on this thread: for the one check run when a model is saved. */
export async function openSession(onnx: Buffer, signature: TensorNames, where: string): Promise<Session> {
  const runtime = await loadOrt();
  let session: Awaited<ReturnType<Ort['InferenceSession']['create']>>;
  try {
    session = await runtime.InferenceSession.create(onnx);
  } catch (error) {
    throw notLoadable(where, error);
  }
  const { input, output } = tensorNames(signature, where, session);
  let closed: Promise<void> | undefined;
  return {
    run: async (data, dims) => {
      if (closed) throw new FleetcastError('FLEETCAST_BACKEND_ERROR', 'the ONNX session is closed');
      const tensor = (await session.run({ [input]: new runtime.Tensor('float32', data, dims) }))[output];
      return { data: tensor?.data as Float32Array, dims: tensor?.dims ?? [] };
    },
    input,
    output,
    runsOn: 'loop',
    close: () => {
      closed ??= session.release();
      return closed;
    },
  };
}

/** A session in its own thread (session-thread.ts): for a loaded model, which may be served. */
async function openThreadedSession(onnx: Buffer, signature: TensorNames, where: string): Promise<Session> {
  let thread: SessionThread;
  try {
    thread = await SessionThread.open(onnx);
  } catch (error) {
    throw notLoadable(where, error);
  }
  try {
    const { input, output } = tensorNames(signature, where, thread);
    return {
      run: (data, dims) => thread.run(input, output, data, dims),
      input,
      output,
      runsOn: 'thread',
      close: () => thread.close(),
    };
  } catch (error) {
    await thread.close();
    throw error;
  }
}

/**
 * One row's run time (median of 5 after a warm-up) below which a loaded model stays on the event
 * loop's thread. Posting a run to a thread and back costs about 0.05 ms of CPU on each side; a
 * run this short blocks the loop for less than that.
 */
export const INLINE_RUN_MS = 0.1;

/** The session of a loaded model: on this thread when its runs are that short, else in its own. */
export async function openModelSession(
  onnx: Buffer,
  signature: TensorNames,
  where: string,
  k: number,
): Promise<Session> {
  const inline = await openSession(onnx, signature, where);
  const row = new Float32Array(k);
  await inline.run(row, [1, k]);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await inline.run(row, [1, k]);
    times.push(performance.now() - started);
  }
  times.sort((x, y) => x - y);
  if (times[2]! < INLINE_RUN_MS) return inline;
  await inline.close();
  return openThreadedSession(onnx, signature, where);
}

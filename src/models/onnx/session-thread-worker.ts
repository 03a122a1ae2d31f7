/**
 * The thread side of session-thread.ts: opens one ONNX session and answers `run` messages with its
 * output tensor, until the parent terminates it. Inference blocks this thread, not the parent's
 * event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SessionThreadData, SessionThreadReply, SessionThreadRequest, TensorMetadata } from './session-thread.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

const port = parentPort!;
const data = workerData as SessionThreadData;
const reply = (message: SessionThreadReply) => port.postMessage(message);
const text = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function open(): Promise<{ ort: Ort; session: Session } | undefined> {
  try {
    const imported = (await import('onnxruntime-node')) as Ort & { default?: Ort };
    const ort = imported.default ?? imported;
    const session = await ort.InferenceSession.create(data.onnx, {
      intraOpNumThreads: data.intraOpThreads,
      // Spinning keeps idle intra-op threads busy after each run, taking CPU the HTTP thread needs.
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return { ort, session };
  } catch (error) {
    reply({ type: 'failed', message: text(error) });
    return undefined;
  }
}

async function answer({ ort, session }: { ort: Ort; session: Session }, request: SessionThreadRequest) {
  try {
    const feeds = { [request.input]: new ort.Tensor('float32', request.data, request.dims) };
    const tensor = (await session.run(feeds))[request.output];
    if (!tensor) throw new Error(`the graph answered no ${request.output}`);
    // Copied by the structured clone, element type kept (the runtime's buffer may not be detachable).
    const data = tensor.data as ArrayLike<number>;
    reply({ type: 'result', id: request.id, tensorType: tensor.type, data, dims: [...tensor.dims] });
  } catch (error) {
    reply({ type: 'error', id: request.id, message: text(error) });
  }
}

const opened = await open();
if (opened) {
  port.on('message', (request: SessionThreadRequest) => void answer(opened, request));
  const plain = (m: TensorMetadata): TensorMetadata => ({
    name: m.name,
    isTensor: m.isTensor,
    type: m.type,
    shape: m.shape,
  });
  reply({
    type: 'ready',
    inputs: opened.session.inputMetadata.map((m) => plain(m as TensorMetadata)),
    outputs: opened.session.outputMetadata.map((m) => plain(m as TensorMetadata)),
  });
}

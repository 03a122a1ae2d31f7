/**
 * The thread side of session-thread.ts: opens one ONNX session and answers runs with the output
 * tensor. Inference blocks this thread, not the parent's event loop.
 */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../core/threads/request-thread.js';
import type {
  SessionThreadData,
  SessionThreadReady,
  SessionThreadRequest,
  TensorMetadata,
  TensorResult,
} from './session-thread.js';

type Ort = typeof import('onnxruntime-node');

const data = workerData as SessionThreadData;
const plain = (m: TensorMetadata): TensorMetadata => ({
  name: m.name,
  isTensor: m.isTensor,
  type: m.type,
  shape: m.shape,
});

await serveRequests<SessionThreadReady, SessionThreadRequest, TensorResult>(async () => {
  const imported = (await import('onnxruntime-node')) as Ort & { default?: Ort };
  const ort = imported.default ?? imported;
  const session = await ort.InferenceSession.create(data.onnx, {
    intraOpNumThreads: data.intraOpThreads,
    // Spinning keeps idle intra-op threads busy after each run, taking CPU the HTTP thread needs.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return {
    ready: {
      inputs: session.inputMetadata.map((m) => plain(m as TensorMetadata)),
      outputs: session.outputMetadata.map((m) => plain(m as TensorMetadata)),
    },
    handle: async (request) => {
      const feeds = { [request.input]: new ort.Tensor('float32', request.data, request.dims) };
      const tensor = (await session.run(feeds))[request.output];
      if (!tensor) throw new Error(`the graph answered no ${request.output}`);
      // Copied by the structured clone, element type kept (the runtime's buffer may not be detachable).
      return { data: tensor.data as ArrayLike<number>, dims: [...tensor.dims], tensorType: tensor.type };
    },
  };
});

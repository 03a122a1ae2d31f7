/** The thread side of engine-thread.ts: builds the hf-onnx engine and answers its calls. */
import { workerData } from 'node:worker_threads';
import { serveRequests } from '../../../core/threads/request-thread.js';
import type { TextClassification } from '../types.js';
import { hfOnnxEngine } from './engine.js';
import type { EngineThreadData, EngineThreadReady, EngineThreadRequest } from './engine-thread.js';

const { dir, params } = workerData as EngineThreadData;

await serveRequests<EngineThreadReady, EngineThreadRequest, TextClassification[] | number[][]>(async () => {
  const engine = await hfOnnxEngine(dir, params);
  const logits = engine.logits!;
  return {
    ready: { labels: [...engine.labels], maxTokens: engine.maxTokens },
    handle: (request) => (request.method === 'classify' ? engine.classify(request.texts) : logits(request.texts)),
  };
});

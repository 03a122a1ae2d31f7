/**
 * The hf-onnx engine of a loaded model, in its own thread (core/threads/request-thread.ts):
 * tokenising and the ONNX run of a transformer take milliseconds per text on a CPU, and
 * transformers.js runs them on the calling thread; on a server's event loop that would stop every
 * other request for as long. The engine itself is engine.ts, unchanged, built in the thread.
 */
import { RequestThread, siblingModule } from '../../../core/threads/request-thread.js';
import type { HfOnnxParams, TextClassification, TextEngine } from '../types.js';

export interface EngineThreadData {
  dir: string;
  params: HfOnnxParams;
}

export interface EngineThreadReady {
  labels: string[];
  maxTokens: number;
}

export type EngineThreadRequest = { method: 'classify' | 'logits'; texts: string[] };

export async function hfOnnxEngineInThread(dir: string, params: HfOnnxParams): Promise<TextEngine> {
  const { thread, ready } = await RequestThread.start<
    EngineThreadReady,
    EngineThreadRequest,
    TextClassification[] | number[][]
  >(siblingModule(import.meta.url, 'engine-thread-worker'), { dir, params } satisfies EngineThreadData, {
    stopped: 'the text classifier thread has stopped',
    closed: 'the text classifier is closed',
  });
  return {
    labels: ready.labels,
    maxTokens: ready.maxTokens,
    classify: async (texts) =>
      texts.length === 0
        ? []
        : ((await thread.request({ method: 'classify', texts: [...texts] })) as TextClassification[]),
    logits: async (texts) => (await thread.request({ method: 'logits', texts: [...texts] })) as number[][],
    dispose: () => thread.close(),
  };
}

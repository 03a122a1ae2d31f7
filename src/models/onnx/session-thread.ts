/**
 * An ONNX session in its own thread. onnxruntime-node runs `session.run` synchronously on the
 * calling thread (its async API only defers the call), so a model served from the event loop's
 * thread stops every other request — health probes included — for as long as a run takes, and
 * requests are read only between runs. Here the loop posts the input tensor and goes on; the thread
 * runs one input at a time and posts the output back.
 *
 * The thread keeps the process alive only while a run is outstanding, so a CLI that loads a model
 * and never closes it still exits.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FleetcastError } from '../../core/errors.js';

export interface SessionThreadData {
  onnx: Uint8Array;
  intraOpThreads: number;
}

export type SessionThreadRequest = { id: number; input: string; output: string; data: Float32Array; dims: number[] };

/** What the graph declares of a tensor (onnxruntime's value metadata, as plain data). */
export interface TensorMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export type SessionThreadReply =
  | { type: 'ready'; inputs: TensorMetadata[]; outputs: TensorMetadata[] }
  | { type: 'failed'; message: string }
  | { type: 'result'; id: number; tensorType: string; data: TensorResult['data']; dims: number[] }
  | { type: 'error'; id: number; message: string };

export interface TensorResult {
  /** The output's elements as onnxruntime gave them (Float32Array for float32 outputs). */
  data: ArrayLike<number>;
  dims: readonly number[];
  /** onnxruntime's element type name ('float32', 'float64', …). */
  tensorType?: string;
}

/** Compiled, the `.js` sibling; under vitest a TypeScript loader goes in first (as parallel.ts). */
function startWorker(data: SessionThreadData): Worker {
  const source = import.meta.url.endsWith('.ts');
  const entry = new URL(source ? './session-thread-worker.ts' : './session-thread-worker.js', import.meta.url);
  if (!source) return new Worker(fileURLToPath(entry), { workerData: data });
  const hooks = new URL('../../core/queue/ts-hooks.mjs', import.meta.url).href;
  const code = `require('node:module').register(${JSON.stringify(hooks)}); import(${JSON.stringify(entry.href)});`;
  return new Worker(code, { eval: true, workerData: data });
}

/**
 * Intra-op threads of a served session: every core but one, which the event loop keeps for HTTP
 * (at least 1).
 */
export const defaultIntraOpThreads = () => Math.max(1, availableParallelism() - 1);

export class SessionThread {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly TensorMetadata[];
  readonly outputMetadata: readonly TensorMetadata[];
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (r: TensorResult) => void; reject: (e: Error) => void }>();
  #nextId = 0;
  #dead: Error | undefined;

  private constructor(worker: Worker, inputs: TensorMetadata[], outputs: TensorMetadata[]) {
    this.#worker = worker;
    this.inputMetadata = inputs;
    this.outputMetadata = outputs;
    this.inputNames = inputs.map((m) => m.name);
    this.outputNames = outputs.map((m) => m.name);
    worker.on('message', (reply: SessionThreadReply) => this.#settle(reply));
    const fail = (error: Error) => {
      this.#dead ??= error;
      for (const entry of this.#waiting.values()) entry.reject(this.#dead);
      this.#waiting.clear();
    };
    worker.on('error', (error) => fail(backendError(`the ONNX session thread failed: ${error.message}`)));
    worker.on('exit', () => fail(backendError('the ONNX session thread has stopped')));
    worker.unref();
  }

  /** Opens `onnx` in a new thread; rejects with the runtime's message when the graph is not loadable. */
  static open(onnx: Uint8Array, options: { intraOpThreads?: number } = {}): Promise<SessionThread> {
    const worker = startWorker({ onnx, intraOpThreads: options.intraOpThreads ?? defaultIntraOpThreads() });
    return new Promise((resolve, reject) => {
      const early = (error: Error) => reject(error);
      const exited = (code: number) => reject(new Error(`the ONNX session thread exited with code ${code}`));
      worker.once('error', early);
      worker.once('exit', exited);
      worker.once('message', (reply: SessionThreadReply) => {
        worker.off('error', early);
        worker.off('exit', exited);
        if (reply.type === 'ready') {
          resolve(new SessionThread(worker, reply.inputs, reply.outputs));
          return;
        }
        void worker.terminate();
        reject(new Error(reply.type === 'failed' ? reply.message : 'the ONNX session thread answered out of turn'));
      });
    });
  }

  /** One run of the graph on a float32 input tensor; resolves with the named output tensor. */
  run(input: string, output: string, data: Float32Array, dims: number[]): Promise<TensorResult> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, input, output, data, dims } satisfies SessionThreadRequest);
    });
  }

  /** Stops the thread; runs still outstanding are rejected. */
  async close(): Promise<void> {
    this.#dead ??= backendError('the ONNX session is closed');
    await this.#worker.terminate();
  }

  #settle(reply: SessionThreadReply): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const entry = this.#waiting.get(reply.id);
    if (!entry) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.type === 'result') entry.resolve({ data: reply.data, dims: reply.dims, tensorType: reply.tensorType });
    else entry.reject(backendError(`the ONNX session failed: ${reply.message}`));
  }
}

const backendError = (message: string) => new FleetcastError('FLEETCAST_BACKEND_ERROR', message);

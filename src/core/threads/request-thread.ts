/**
 * A worker thread that answers requests, one message each way: what the model flavors use to keep
 * inference off the event loop (onnxruntime-node and transformers.js run synchronously on the
 * calling thread). The main side (`RequestThread`) matches answers to requests by id, keeps the
 * process alive only while a request is outstanding (a CLI that never closes a model still exits),
 * and rejects every outstanding request if the thread dies. The worker side (`serveRequests`)
 * opens what it serves, says ready (or why not), then answers. Errors cross as plain data and come
 * back as FleetcastErrors when they were ones.
 */
import { fileURLToPath } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import { type ErrorCode, ErrorCodes, FleetcastError } from '../errors.js';

export interface ThreadError {
  message: string;
  code?: string;
  hint?: string;
  details?: Record<string, unknown>;
}

type ThreadReply<Ready, Result> =
  | { type: 'ready'; ready: Ready }
  | { type: 'failed'; error: ThreadError }
  | { type: 'result'; id: number; result: Result }
  | { type: 'error'; id: number; error: ThreadError };

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof FleetcastError) {
    return { message: error.message, code: error.code, hint: error.hint, details: error.details };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

export function fromThreadError(error: ThreadError): Error {
  if (error.code !== undefined && error.code in ErrorCodes) {
    return new FleetcastError(error.code as ErrorCode, error.message, { hint: error.hint, details: error.details });
  }
  return new Error(error.message);
}

/** The sibling module `name` of the module at `base`: `.ts` under vitest, `.js` compiled. */
export function siblingModule(base: string, name: string): URL {
  return new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
}

/** Starts the module `entry` in a worker thread; a `.ts` entry gets the TypeScript loader first. */
export function startModuleWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.href.endsWith('.ts')) return new Worker(fileURLToPath(entry), { workerData });
  const hooks = new URL('../queue/ts-hooks.mjs', import.meta.url).href;
  const code = `require('node:module').register(${JSON.stringify(hooks)}); import(${JSON.stringify(entry.href)});`;
  return new Worker(code, { eval: true, workerData });
}

export class RequestThread<Request, Result> {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  readonly #closedMessage: string;
  #nextId = 0;
  #dead: Error | undefined;

  private constructor(worker: Worker, names: { stopped: string; closed: string }) {
    this.#worker = worker;
    this.#closedMessage = names.closed;
    worker.on('message', (reply: ThreadReply<unknown, Result>) => this.#settle(reply));
    const fail = (error: Error) => {
      this.#dead ??= error;
      for (const entry of this.#waiting.values()) entry.reject(this.#dead);
      this.#waiting.clear();
    };
    worker.on('error', (error) =>
      fail(new FleetcastError('FLEETCAST_BACKEND_ERROR', `${names.stopped}: ${error.message}`)),
    );
    worker.on('exit', () => fail(new FleetcastError('FLEETCAST_BACKEND_ERROR', names.stopped)));
    worker.unref();
  }

  /**
   * Starts `entry` with `workerData` and waits for it to say ready; rejects with the worker's own
   * error when it could not open what it serves. `names` word the errors of a thread that stopped
   * and of one that was closed.
   */
  static start<Ready, Request, Result>(
    entry: URL,
    workerData: unknown,
    names: { stopped: string; closed: string },
  ): Promise<{ thread: RequestThread<Request, Result>; ready: Ready }> {
    const worker = startModuleWorker(entry, workerData);
    return new Promise((resolve, reject) => {
      const early = (error: Error) => reject(error);
      const exited = (code: number) => reject(new Error(`${names.stopped} (exit code ${code})`));
      worker.once('error', early);
      worker.once('exit', exited);
      worker.once('message', (reply: ThreadReply<Ready, Result>) => {
        worker.off('error', early);
        worker.off('exit', exited);
        if (reply.type === 'ready') {
          resolve({ thread: new RequestThread<Request, Result>(worker, names), ready: reply.ready });
          return;
        }
        void worker.terminate();
        reject(
          reply.type === 'failed' ? fromThreadError(reply.error) : new Error(`${names.stopped}: answered out of turn`),
        );
      });
    });
  }

  request(body: Request): Promise<Result> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref();
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, body });
    });
  }

  /** Stops the thread; requests still outstanding are rejected, later ones refused. */
  async close(): Promise<void> {
    this.#dead ??= new FleetcastError('FLEETCAST_BACKEND_ERROR', this.#closedMessage);
    await this.#worker.terminate();
  }

  #settle(reply: ThreadReply<unknown, Result>): void {
    if (reply.type !== 'result' && reply.type !== 'error') return;
    const entry = this.#waiting.get(reply.id);
    if (!entry) return;
    this.#waiting.delete(reply.id);
    if (this.#waiting.size === 0) this.#worker.unref();
    if (reply.type === 'result') entry.resolve(reply.result);
    else entry.reject(fromThreadError(reply.error));
  }
}

/**
 * The worker side: `open` builds what the thread serves and returns what to tell the main side
 * (`ready`) and how to answer a request. Requests are answered as they come (each handler awaits
 * its own work; a synchronous runtime call naturally serialises them).
 */
export async function serveRequests<Ready, Request, Result>(
  open: () => Promise<{ ready: Ready; handle: (request: Request) => Promise<Result> }>,
): Promise<void> {
  const port = parentPort!;
  let served: Awaited<ReturnType<typeof open>>;
  try {
    served = await open();
  } catch (error) {
    port.postMessage({ type: 'failed', error: toThreadError(error) });
    return;
  }
  port.on('message', async ({ id, body }: { id: number; body: Request }) => {
    try {
      port.postMessage({ type: 'result', id, result: await served.handle(body) });
    } catch (error) {
      port.postMessage({ type: 'error', id, error: toThreadError(error) });
    }
  });
  port.postMessage({ type: 'ready', ready: served.ready });
}

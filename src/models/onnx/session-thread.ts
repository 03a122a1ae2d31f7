/**
 * An ONNX session in its own thread (core/threads/request-thread.ts). onnxruntime-node runs
 * `session.run` synchronously on the calling thread (its async API only defers the call), so a
 * model served from the event loop's thread stops every other request — health probes included —
 * for as long as a run takes, and requests are read only between runs. Here the loop posts the
 * input tensor and goes on; the thread runs it and posts the output back.
 */
import { availableParallelism } from 'node:os';
import { FleetcastError } from '../../core/errors.js';
import { RequestThread, siblingModule } from '../../core/threads/request-thread.js';

export interface SessionThreadData {
  onnx: Uint8Array;
  intraOpThreads: number;
}

/** What the graph declares of a tensor (onnxruntime's value metadata, as plain data). */
export interface TensorMetadata {
  name: string;
  isTensor: boolean;
  type?: string;
  shape?: ReadonlyArray<number | string>;
}

export interface SessionThreadReady {
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface SessionThreadRequest {
  input: string;
  output: string;
  data: Float32Array;
  dims: number[];
}

export interface TensorResult {
  /** The output's elements as onnxruntime gave them (Float32Array for float32 outputs). */
  data: ArrayLike<number>;
  dims: readonly number[];
  /** onnxruntime's element type name ('float32', 'float64', …). */
  tensorType?: string;
}

/**
 * Intra-op threads of a served session: every core but one, which the event loop keeps for HTTP
 * (at least 1).
 */
export const defaultIntraOpThreads = () => Math.max(1, availableParallelism() - 1);

export class SessionThread {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];

  private constructor(
    private readonly thread: RequestThread<SessionThreadRequest, TensorResult>,
    readonly inputMetadata: readonly TensorMetadata[],
    readonly outputMetadata: readonly TensorMetadata[],
  ) {
    this.inputNames = inputMetadata.map((m) => m.name);
    this.outputNames = outputMetadata.map((m) => m.name);
  }

  /** Opens `onnx` in a new thread; rejects with the runtime's message when the graph is not loadable. */
  static async open(onnx: Uint8Array, options: { intraOpThreads?: number } = {}): Promise<SessionThread> {
    const data: SessionThreadData = { onnx, intraOpThreads: options.intraOpThreads ?? defaultIntraOpThreads() };
    const { thread, ready } = await RequestThread.start<SessionThreadReady, SessionThreadRequest, TensorResult>(
      siblingModule(import.meta.url, 'session-thread-worker'),
      data,
      { stopped: 'the ONNX session thread has stopped', closed: 'the ONNX session is closed' },
    );
    return new SessionThread(thread, ready.inputs, ready.outputs);
  }

  /** One run of the graph on a float32 input tensor; resolves with the named output tensor. */
  async run(input: string, output: string, data: Float32Array, dims: number[]): Promise<TensorResult> {
    try {
      return await this.thread.request({ input, output, data, dims });
    } catch (error) {
      if (error instanceof FleetcastError) throw error;
      throw new FleetcastError('FLEETCAST_BACKEND_ERROR', `the ONNX session failed: ${(error as Error).message}`);
    }
  }

  /** Stops the thread; runs still outstanding are rejected. */
  close(): Promise<void> {
    return this.thread.close();
  }
}

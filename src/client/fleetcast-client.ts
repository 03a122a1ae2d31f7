/**
 * The typed client for the v1 API. Runs wherever `fetch` does (Node 20, browsers): no imports
 * beyond its own folder. Every failure is a FleetcastHttpError: the server's error envelope with
 * its status and code, or status 0 and `FLEETCAST_NETWORK` when no answer arrived in time.
 */
import { CLIENT_ERROR_CODES, FleetcastHttpError, isErrorEnvelope } from './errors.js';
import type {
  BatchInput,
  BatchOptions,
  BatchResponse,
  CreateJobRequest,
  DriftResponse,
  FeedbackCreated,
  FeedbackRequest,
  HealthResponse,
  JobCancelled,
  JobCreated,
  JobResultsPage,
  JobResultsQuery,
  JobStatus,
  JobStatusName,
  JsonObject,
  ModelDetail,
  ModelList,
  PredictRequest,
  PredictResponse,
  ReadinessResponse,
  SentimentOutput,
  WaitForJobOptions,
} from './types.js';

export interface FleetcastClientOptions {
  /** Where the server listens, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** A fetch to use instead of the global one (instrumented, or from another runtime). */
  fetch?: typeof fetch;
  /** Per request, including reading the body (default 30,000 ms). */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/** Per-call settings, accepted as the last argument of every method. */
export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Sent as `X-Request-Id`, so the call can be found in the server's logs. */
  requestId?: string;
}

interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  query?: Record<string, number | string | undefined>;
  /** Parse the body as text instead of JSON (for /metrics). */
  text?: boolean;
  /** Non-2xx statuses whose body is an answer rather than an error (503 for /readyz). */
  answerStatuses?: readonly number[];
}

/** The statuses a job never leaves. */
export const TERMINAL_JOB_STATUSES: readonly JobStatusName[] = ['completed', 'failed', 'cancelled'];

const DEFAULT_TIMEOUT_MS = 30_000;

export class FleetcastClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: FleetcastClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('no fetch available: pass options.fetch');
    // Called unbound, a browser's window.fetch throws "Illegal invocation".
    this.fetchImpl = options.fetch ? fetchImpl : fetchImpl.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.headers = {
      accept: 'application/json',
      ...options.headers,
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    };
  }

  // ── predictions ───────────────────────────────────────────────────────────────────────────────

  /** `POST /api/v1/models/{model}/predict`: one input, the model's output plus metadata. */
  predict<O extends object = JsonObject>(
    model: string,
    body: PredictRequest,
    options?: CallOptions,
  ): Promise<PredictResponse<O>> {
    return this.json({ method: 'POST', path: `/api/v1/models/${segment(model)}/predict`, body }, options);
  }

  /**
   * `POST /api/v1/predict`: the default model (sentiment unless configured otherwise), so the
   * answer is a SentimentPrediction unless `O` says otherwise.
   */
  predictDefault<O extends object = SentimentOutput>(
    body: PredictRequest,
    options?: CallOptions,
  ): Promise<PredictResponse<O>> {
    return this.json({ method: 'POST', path: '/api/v1/predict', body }, options);
  }

  /** `POST /api/v1/models/{model}/batch`: 1 to 1,000 inputs answered together, in order. */
  batch<O extends object = JsonObject>(
    model: string,
    inputs: readonly BatchInput[],
    options: BatchOptions & CallOptions = {},
  ): Promise<BatchResponse<O>> {
    const body = { inputs, ...(options.version === undefined ? {} : { version: options.version }) };
    return this.json({ method: 'POST', path: `/api/v1/models/${segment(model)}/batch`, body }, options);
  }

  // ── async jobs ────────────────────────────────────────────────────────────────────────────────

  /** `POST /api/v1/jobs`: queues up to 100,000 inputs; answers 202 with the job id. */
  createJob(body: CreateJobRequest, options?: CallOptions): Promise<JobCreated> {
    return this.json({ method: 'POST', path: '/api/v1/jobs', body }, options);
  }

  getJob(id: string, options?: CallOptions): Promise<JobStatus> {
    return this.json({ method: 'GET', path: `/api/v1/jobs/${segment(id)}` }, options);
  }

  jobResults<O extends object = JsonObject>(
    id: string,
    query: JobResultsQuery = {},
    options?: CallOptions,
  ): Promise<JobResultsPage<O>> {
    return this.json(
      {
        method: 'GET',
        path: `/api/v1/jobs/${segment(id)}/results`,
        query: { page: query.page, page_size: query.page_size },
      },
      options,
    );
  }

  cancelJob(id: string, options?: CallOptions): Promise<JobCancelled> {
    return this.json({ method: 'DELETE', path: `/api/v1/jobs/${segment(id)}` }, options);
  }

  /**
   * Polls until the job is completed, failed or cancelled and returns its last status (a failed
   * job is an answer, not an error). Throws `FLEETCAST_WAIT_TIMEOUT` if it takes longer than
   * `timeoutMs`.
   */
  async waitForJob(id: string, options: WaitForJobOptions = {}): Promise<JobStatus> {
    const intervalMs = options.intervalMs ?? 250;
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.getJob(id, options.signal ? { signal: options.signal } : undefined);
      if (TERMINAL_JOB_STATUSES.includes(job.status)) return job;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FleetcastHttpError(`job ${id} is still ${job.status} after ${timeoutMs} ms`, {
          status: 0,
          code: CLIENT_ERROR_CODES.waitTimeout,
          details: { job_id: id, status: job.status, done: job.done, total: job.total },
        });
      }
      await sleep(Math.min(intervalMs, left), options.signal);
    }
  }

  // ── models ────────────────────────────────────────────────────────────────────────────────────

  listModels(options?: CallOptions): Promise<ModelList> {
    return this.json({ method: 'GET', path: '/api/v1/models' }, options);
  }

  getModel(name: string, options?: CallOptions): Promise<ModelDetail> {
    return this.json({ method: 'GET', path: `/api/v1/models/${segment(name)}` }, options);
  }

  drift(name: string, options?: CallOptions): Promise<DriftResponse> {
    return this.json({ method: 'GET', path: `/api/v1/models/${segment(name)}/drift` }, options);
  }

  // ── feedback and operations ───────────────────────────────────────────────────────────────────

  /** `POST /api/v1/feedback`: a corrected label for a prediction; answers 201. */
  feedback(body: FeedbackRequest, options?: CallOptions): Promise<FeedbackCreated> {
    return this.json({ method: 'POST', path: '/api/v1/feedback', body }, options);
  }

  healthz(options?: CallOptions): Promise<HealthResponse> {
    return this.json({ method: 'GET', path: '/healthz' }, options);
  }

  /** `GET /readyz`: returns the body for 200 (ready, degraded) and for 503 (not_ready) alike. */
  readyz(options?: CallOptions): Promise<ReadinessResponse> {
    return this.json({ method: 'GET', path: '/readyz', answerStatuses: [503] }, options);
  }

  /** `GET /metrics`: the Prometheus text exposition. */
  async metricsText(options?: CallOptions): Promise<string> {
    return (await this.send({ method: 'GET', path: '/metrics', text: true }, options)) as string;
  }

  // ── transport ─────────────────────────────────────────────────────────────────────────────────

  private async json<T>(spec: RequestSpec, options?: CallOptions): Promise<T> {
    return (await this.send(spec, options)) as T;
  }

  private async send(spec: RequestSpec, options: CallOptions = {}): Promise<unknown> {
    const url = this.url(spec);
    const what = `${spec.method} ${url}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();

    const headers: Record<string, string> = { ...this.headers };
    if (spec.text) headers.accept = 'text/plain';
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    if (options.requestId) headers['x-request-id'] = options.requestId;

    let status = 0;
    try {
      const response = await this.fetchImpl(url, {
        method: spec.method,
        headers,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        signal: controller.signal,
      });
      status = response.status;
      // The body is read under the same timer: a server that stalls mid-body is no answer either.
      const text = await response.text();
      const requestId = response.headers.get('x-request-id') ?? undefined;
      const isAnswer = response.ok || spec.answerStatuses?.includes(response.status);
      if (!isAnswer) throw errorFromResponse(response.status, response.statusText, text, requestId);
      if (spec.text) return text;
      if (response.status === 204 || text === '') return undefined;
      try {
        return JSON.parse(text);
      } catch (cause) {
        throw new FleetcastHttpError(`${what} answered ${response.status} with a body that is not JSON`, {
          status: response.status,
          code: CLIENT_ERROR_CODES.badResponse,
          ...(requestId ? { requestId } : {}),
          details: { body: snippet(text) },
          cause,
        });
      }
    } catch (error) {
      if (error instanceof FleetcastHttpError) throw error;
      throw networkError(what, error, { timedOut, timeoutMs, aborted: options.signal?.aborted === true, status });
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.set(key, String(value));
    }
    const query = params.toString();
    return `${this.baseUrl}${spec.path}${query ? `?${query}` : ''}`;
  }
}

function errorFromResponse(status: number, statusText: string, text: string, headerId?: string): FleetcastHttpError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isErrorEnvelope(body)) {
    const requestId = typeof body.request_id === 'string' ? body.request_id : headerId;
    return new FleetcastHttpError(body.error.message, {
      status,
      code: body.error.code,
      ...(requestId ? { requestId } : {}),
      ...(body.error.details === undefined ? {} : { details: body.error.details }),
    });
  }
  const shown = snippet(text);
  return new FleetcastHttpError(`HTTP ${status}${statusText ? ` ${statusText}` : ''}${shown ? `: ${shown}` : ''}`, {
    status,
    code: CLIENT_ERROR_CODES.http,
    ...(headerId ? { requestId: headerId } : {}),
    ...(text ? { details: { body: shown } } : {}),
  });
}

function networkError(
  what: string,
  error: unknown,
  state: { timedOut: boolean; timeoutMs: number; aborted: boolean; status: number },
): FleetcastHttpError {
  const reason = state.timedOut ? 'timeout' : state.aborted ? 'aborted' : 'network';
  const cause = (error as { cause?: { message?: string; code?: string } } | undefined)?.cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  const message =
    reason === 'timeout'
      ? `no answer from ${what} within ${state.timeoutMs} ms`
      : reason === 'aborted'
        ? `${what} was aborted`
        : `cannot reach ${what}: ${detail}`;
  return new FleetcastHttpError(message, {
    status: 0,
    code: CLIENT_ERROR_CODES.network,
    details: { reason, ...(state.status ? { response_status: state.status } : {}) },
    cause: error,
  });
}

/** A path segment: names and ids are encoded, so `a/b` cannot reach another route. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedWait());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedWait());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortedWait(): FleetcastHttpError {
  return new FleetcastHttpError('waiting for the job was aborted', {
    status: 0,
    code: CLIENT_ERROR_CODES.network,
    details: { reason: 'aborted' },
  });
}

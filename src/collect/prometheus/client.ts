/**
 * A client for Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`, label values). Each
 * request has a timeout; network failures and 5xx answers are retried with exponential backoff; a
 * query Prometheus rejects (bad PromQL, 400/422) is reported at once as the caller's mistake, and
 * refused credentials as an auth error, so the three never look alike.
 */
import { maskUrl } from '../../core/config/mask.js';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { sleep } from '../durations.js';

export type PrometheusAuth = { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };

export interface PrometheusClientOptions {
  /** Server root, e.g. http://prometheus:9090 (a path prefix such as /prometheus is kept). */
  url: string;
  /** Per request, milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Extra attempts after the first for network errors and 5xx answers (default 3). */
  retries?: number;
  /** First backoff, doubled per attempt, with ±25% jitter (default 250 ms). */
  backoffMs?: number;
  auth?: PrometheusAuth;
}

/** One sample of an instant vector. */
export interface PromSample {
  metric: Record<string, string>;
  /** Unix seconds. */
  time: number;
  value: number;
}

/** One series of a range query. */
export interface PromSeries {
  metric: Record<string, string>;
  points: Array<[time: number, value: number]>;
}

export type InstantResult =
  | { type: 'vector'; samples: PromSample[] }
  | { type: 'scalar'; time: number; value: number }
  | { type: 'matrix'; series: PromSeries[] };

interface ApiBody {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** Prometheus writes sample values as strings, including NaN and ±Inf. */
export function parseSampleValue(raw: unknown): number {
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || Number.isNaN(value)) {
    throw new FleetcastError(
      'FLEETCAST_BACKEND_ERROR',
      `Prometheus returned a sample value that is not a number: ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

type RawPair = [number, string];
type RawVector = Array<{ metric: Record<string, string>; value: RawPair }>;
type RawMatrix = Array<{ metric: Record<string, string>; values: RawPair[] }>;

export class PrometheusClient {
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: PrometheusClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new FleetcastError('FLEETCAST_URL_INVALID', `prometheus.url "${maskUrl(options.url)}" is not a URL`, {
        hint: 'e.g. http://prometheus.istio-system:9090',
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new FleetcastError('FLEETCAST_URL_INVALID', `prometheus.url "${maskUrl(options.url)}" is not http(s)`, {
        hint: 'e.g. http://prometheus.istio-system:9090',
      });
    }
    this.headers = { accept: 'application/json' };
    // Credentials in the URL become a header: fetch refuses URLs that carry them.
    const auth: PrometheusAuth | undefined =
      options.auth ??
      (parsed.username
        ? {
            kind: 'basic',
            username: decodeURIComponent(parsed.username),
            password: decodeURIComponent(parsed.password),
          }
        : undefined);
    parsed.username = '';
    parsed.password = '';
    this.url = parsed.toString().replace(/\/+$/, '');
    if (auth?.kind === 'basic') {
      this.headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    } else if (auth?.kind === 'bearer') {
      this.headers.authorization = `Bearer ${auth.token}`;
    }
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 250;
  }

  /** An instant query at `time` (unix seconds; default: now on the server). */
  async query(promql: string, time?: number, signal?: AbortSignal): Promise<InstantResult> {
    const params: Record<string, string> = { query: promql };
    if (time !== undefined) params.time = time.toFixed(3);
    const data = (await this.call('/api/v1/query', params, promql, signal)) as { resultType: string; result: unknown };
    switch (data.resultType) {
      case 'vector':
        return {
          type: 'vector',
          samples: (data.result as RawVector).map((s) => ({
            metric: s.metric,
            time: s.value[0],
            value: parseSampleValue(s.value[1]),
          })),
        };
      case 'scalar': {
        const [t, v] = data.result as RawPair;
        return { type: 'scalar', time: t, value: parseSampleValue(v) };
      }
      case 'matrix':
        return { type: 'matrix', series: toSeries(data.result as RawMatrix) };
      default:
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `query returned a ${data.resultType}, not numbers`, {
          hint: 'a measurement query must return an instant vector or a scalar',
          details: { query: promql },
        });
    }
  }

  /** A range query from `start` to `end` (unix seconds) every `step` seconds. */
  async queryRange(
    promql: string,
    start: number,
    end: number,
    step: number,
    signal?: AbortSignal,
  ): Promise<PromSeries[]> {
    const params = { query: promql, start: start.toFixed(3), end: end.toFixed(3), step: String(step) };
    const data = (await this.call('/api/v1/query_range', params, promql, signal)) as { result: RawMatrix };
    return toSeries(data.result);
  }

  /** Values of a label, optionally only on series matching the selectors in `match`. */
  async labelValues(label: string, match: string[] = [], signal?: AbortSignal): Promise<string[]> {
    const path = `/api/v1/label/${encodeURIComponent(label)}/values`;
    const params = new URLSearchParams();
    for (const selector of match) params.append('match[]', selector);
    const data = await this.call(path, params, `label values of ${label}`, signal, 'GET');
    return (data as string[]).slice().sort();
  }

  /** Resolves when the server answers its API (buildinfo); throws the same errors as a query. */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.call('/api/v1/status/buildinfo', new URLSearchParams(), 'buildinfo', signal, 'GET');
  }

  private async call(
    path: string,
    params: Record<string, string> | URLSearchParams,
    what: string,
    signal: AbortSignal | undefined,
    method: 'GET' | 'POST' = 'POST',
  ): Promise<unknown> {
    const body = params instanceof URLSearchParams ? params : new URLSearchParams(params);
    const target = method === 'GET' ? `${this.url}${path}?${body}` : `${this.url}${path}`;
    let lastFailure = '';
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const backoff = this.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
        await sleep(backoff, signal);
      }
      if (signal?.aborted) throw cancelled(what);
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(this.timeoutMs);
        response = await fetch(target, {
          method,
          headers:
            method === 'POST' ? { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' } : this.headers,
          ...(method === 'POST' ? { body } : {}),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (signal?.aborted) throw cancelled(what);
        lastFailure = networkReason(error, this.timeoutMs);
        continue;
      }
      const text = await response.text().catch(() => '');
      if (response.status === 401 || response.status === 403) {
        throw new FleetcastError(
          'FLEETCAST_BACKEND_AUTH',
          `Prometheus at ${this.url} refused the credentials (HTTP ${response.status})`,
          { hint: 'check prometheus.auth: the bearer token or the basic-auth user and password' },
        );
      }
      const parsed = parseBody(text);
      if (response.status >= 500) {
        // 5xx: overloaded, restarting or a query timeout (503): worth another attempt.
        lastFailure = `HTTP ${response.status}${parsed?.error ? `: ${parsed.error}` : ''}`;
        continue;
      }
      if (!parsed || parsed.status === undefined) {
        throw new FleetcastError(
          'FLEETCAST_BACKEND_ERROR',
          `${this.url}${path} did not answer with the Prometheus API (HTTP ${response.status}, ${response.headers.get('content-type') ?? 'no content type'})`,
          { hint: 'point prometheus.url at the server root, e.g. http://prometheus:9090 (not …/graph)' },
        );
      }
      if (parsed.status === 'error' || !response.ok) {
        throw new FleetcastError(
          'FLEETCAST_INVALID_ARGUMENT',
          `Prometheus rejected the query (${parsed.errorType ?? `HTTP ${response.status}`}): ${parsed.error ?? 'no reason given'}`,
          { hint: 'fix the PromQL in the query set; try it in the Prometheus UI first', details: { query: what } },
        );
      }
      return parsed.data;
    }
    throw new FleetcastError(
      'FLEETCAST_BACKEND_UNREACHABLE',
      `Prometheus at ${this.url} does not answer: ${lastFailure} (${this.retries + 1} attempts)`,
      { hint: `check prometheus.url and that Prometheus runs: curl ${this.url}/-/ready`, details: { query: what } },
    );
  }
}

function toSeries(raw: RawMatrix): PromSeries[] {
  return raw.map((s) => ({ metric: s.metric, points: s.values.map(([t, v]) => [t, parseSampleValue(v)]) }));
}

function parseBody(text: string): ApiBody | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' ? (value as ApiBody) : undefined;
  } catch {
    return undefined;
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: unknown })?.cause;
  return cause ? errorMessage(cause) : errorMessage(error);
}

function cancelled(what: string): FleetcastError {
  return new FleetcastError('FLEETCAST_TASK_CANCELLED', 'the collection was interrupted', { details: { query: what } });
}

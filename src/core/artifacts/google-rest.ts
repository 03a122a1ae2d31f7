/**
 * What the Google Cloud adapters (GCS artifacts, BigQuery warehouse) share: their REST calls over the
 * global `fetch`, with no Google client library. Authentication is an OAuth 2 access token sent as a
 * bearer token, read from GOOGLE_OAUTH_ACCESS_TOKEN (e.g. `gcloud auth print-access-token`); reading
 * service-account JSON key files and refreshing tokens is out of scope. The API root can point at an
 * emulator, the way the official clients read STORAGE_EMULATOR_HOST / BIGQUERY_EMULATOR_HOST.
 */
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError } from '../errors.js';

/** The environment variable holding the bearer token for Google APIs. */
export const GOOGLE_TOKEN_VARIABLE = 'GOOGLE_OAUTH_ACCESS_TOKEN';

export interface GoogleRestOptions {
  /** API root, e.g. https://storage.googleapis.com or an emulator's http://127.0.0.1:4443. */
  endpoint: string;
  /** OAuth 2 access token; omitted for emulators, which need none. */
  accessToken?: string;
  /** Per-request timeout in ms, so a dead endpoint fails fast. */
  timeoutMs: number;
  /** The service and place, for messages: "GCS bucket models", "BigQuery dataset p.d". */
  what: string;
}

/** A Google API error response: `{error: {code, message, errors: [{reason}], status}}`. */
export class GoogleApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }
}

/** `host:port` (the emulator variables' usual form) or a full URL, as an API root without trailing /. */
export function apiRoot(value: string): string {
  const text = value.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(text) ? text : `http://${text}`;
}

/** Sends one request; non-2xx answers throw GoogleApiError, network failures FLEETCAST_BACKEND_UNREACHABLE. */
export async function googleFetch(
  options: GoogleRestOptions,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  let response: Response;
  try {
    response = await fetch(`${options.endpoint}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_BACKEND_UNREACHABLE',
      `Cannot reach ${options.what} at ${maskUrl(options.endpoint)}: ${errorMessage(causeOf(error))}`,
      {
        hint: 'Check the network path to Google Cloud (proxy, DNS, firewall), or that the emulator at the endpoint is running.',
        cause: error,
      },
    );
  }
  if (response.ok) return response;
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 300) || response.statusText;
  let reason: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: { message?: string; errors?: Array<{ reason?: string }> } };
    message = body.error?.message ?? message;
    reason = body.error?.errors?.[0]?.reason;
  } catch {
    // Not JSON (a proxy's HTML page): keep the start of the text.
  }
  throw new GoogleApiError(response.status, message, reason);
}

export async function googleJson<T>(
  options: GoogleRestOptions,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await googleFetch(options, path, {
    method: init.method ?? 'GET',
    ...(init.body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** A refused token as the catalogue's auth error, with what to set. */
export function googleAuthError(options: GoogleRestOptions, error: GoogleApiError): FleetcastError {
  return new FleetcastError(
    'FLEETCAST_BACKEND_AUTH',
    `${options.what} refused the credentials (HTTP ${error.status}): ${error.message}`,
    {
      hint: `Set ${GOOGLE_TOKEN_VARIABLE} to a current OAuth access token (e.g. \`gcloud auth print-access-token\`) allowed to use ${options.what}; service-account key files are not read.`,
      cause: error,
    },
  );
}

/** multipart/related: a JSON metadata part, then the media part (GCS uploads, BigQuery load jobs). */
export function multipartRelated(
  metadata: unknown,
  media: Buffer,
  mediaType: string,
): { contentType: string; body: Buffer } {
  const boundary = `fleetcast-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
      `--${boundary}\r\ncontent-type: ${mediaType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { contentType: `multipart/related; boundary=${boundary}`, body: Buffer.concat([head, media, tail]) };
}

/** fetch wraps socket errors (ECONNREFUSED…) as `TypeError: fetch failed` with the real one as cause. */
function causeOf(error: unknown): unknown {
  if (error instanceof Error && error.name === 'TimeoutError') return new Error('the request timed out');
  return error instanceof Error && error.cause ? error.cause : error;
}

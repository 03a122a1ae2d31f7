/** The one error the client throws: an HTTP error envelope, or no answer at all (status 0). */
import type { ErrorEnvelope } from './types.js';

/** Codes the client makes up itself; all others come from the server's envelope. */
export const CLIENT_ERROR_CODES = {
  /** No response: connection refused or reset, DNS, timeout or abort (status 0). */
  network: 'FLEETCAST_NETWORK',
  /** A non-2xx answer without the error envelope (a proxy's HTML page, say). */
  http: 'FLEETCAST_HTTP_ERROR',
  /** A 2xx answer whose body is not the JSON expected. */
  badResponse: 'FLEETCAST_BAD_RESPONSE',
  /** `waitForJob` ran out of time before the job finished (status 0). */
  waitTimeout: 'FLEETCAST_WAIT_TIMEOUT',
} as const;

export interface FleetcastHttpErrorInit {
  status: number;
  code: string;
  requestId?: string;
  details?: unknown;
  cause?: unknown;
}

export class FleetcastHttpError extends Error {
  /** The HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** The envelope's stable code (`FLEETCAST_NOT_FOUND`, …) or one of CLIENT_ERROR_CODES. */
  readonly code: string;
  /** The server's request id (envelope or `X-Request-Id`), to find the request in its logs. */
  readonly requestId?: string;
  readonly details?: unknown;

  constructor(message: string, init: FleetcastHttpErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FleetcastHttpError';
    this.status = init.status;
    this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.details !== undefined) this.details = init.details;
  }
}

export function isFleetcastHttpError(error: unknown, code?: string): error is FleetcastHttpError {
  return error instanceof FleetcastHttpError && (code === undefined || error.code === code);
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (body === null || typeof body !== 'object') return false;
  const error = (body as { error?: unknown }).error;
  return (
    error !== null &&
    typeof error === 'object' &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

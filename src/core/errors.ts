/**
 * The one error catalogue. Every error Fleetcast raises on purpose comes from here, so codes are
 * stable, documented and testable, and the CLI and the HTTP envelope format them the same way.
 */

export const ErrorCodes = {
  FLEETCAST_USAGE: { exit: 2, http: 400, summary: 'the command line is wrong' },
  FLEETCAST_NOT_AVAILABLE: { exit: 2, http: 501, summary: 'this is not available in this setup' },
  FLEETCAST_CONFIG_INVALID: { exit: 1, http: 500, summary: 'a configuration value is invalid' },
  FLEETCAST_CONFIG_FILE: { exit: 1, http: 500, summary: 'the configuration file cannot be read' },
  FLEETCAST_PRODUCTION_UNSAFE: {
    exit: 1,
    http: 500,
    summary: 'the production profile refuses an unsafe setting',
  },
  FLEETCAST_HOME_UNWRITABLE: { exit: 1, http: 500, summary: 'the home folder cannot be written' },
  FLEETCAST_URL_INVALID: { exit: 1, http: 400, summary: 'a store URL is malformed' },
  FLEETCAST_BACKEND_UNREACHABLE: { exit: 1, http: 503, summary: 'a backend does not answer' },
  FLEETCAST_BACKEND_AUTH: { exit: 1, http: 503, summary: 'a backend refused the credentials' },
  FLEETCAST_BACKEND_ERROR: { exit: 1, http: 500, summary: 'a backend failed a request' },
  FLEETCAST_INVALID_ARGUMENT: { exit: 1, http: 400, summary: 'an argument is invalid' },
  FLEETCAST_NOT_FOUND: { exit: 1, http: 404, summary: 'the thing asked for does not exist' },
  FLEETCAST_CHECKSUM_MISMATCH: { exit: 1, http: 409, summary: 'stored content does not match its checksum' },
  FLEETCAST_TASK_UNKNOWN: { exit: 1, http: 400, summary: 'no task is registered under that name' },
  FLEETCAST_TASK_FAILED: { exit: 1, http: 500, summary: 'a task failed after all its attempts' },
  FLEETCAST_TASK_CANCELLED: { exit: 1, http: 409, summary: 'a task was cancelled' },
  FLEETCAST_QUEUE_CLOSED: { exit: 1, http: 503, summary: 'the work queue is closed' },
  FLEETCAST_BENCH_FAILED: { exit: 1, http: 500, summary: 'a benchmark could not run' },
  FLEETCAST_UNAUTHORIZED: { exit: 1, http: 401, summary: 'no valid API key was presented' },
  FLEETCAST_RATE_LIMITED: { exit: 1, http: 429, summary: 'too many requests for this key in the window' },
  FLEETCAST_PAYLOAD_TOO_LARGE: { exit: 1, http: 413, summary: 'the request body is over the size limit' },
  FLEETCAST_UNSUPPORTED_MEDIA_TYPE: { exit: 1, http: 415, summary: 'the request body is not JSON' },
  FLEETCAST_CONFLICT: { exit: 1, http: 409, summary: 'the request conflicts with the current state' },
  FLEETCAST_NOT_READY: { exit: 1, http: 503, summary: 'the service cannot answer this yet (loading or stopping)' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface FleetcastErrorOptions {
  /** What the user can do about it: printed after the message. */
  hint?: string;
  /** Structured details for `--json` output and the HTTP envelope (never secrets). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class FleetcastError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: FleetcastErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FleetcastError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitCode(): number {
    return ErrorCodes[this.code].exit;
  }

  get httpStatus(): number {
    return ErrorCodes[this.code].http;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isFleetcastError(error: unknown, code?: ErrorCode): error is FleetcastError {
  return error instanceof FleetcastError && (code === undefined || error.code === code);
}

/** A readable one-line message for anything thrown, including non-Error values. */
export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return errorMessage(error.errors[0]);
  }
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

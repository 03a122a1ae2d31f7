/**
 * The HTTP error envelope of DESIGN.md: `{error: {code, message, details?}, request_id}` with the
 * status of the code in the one catalogue (core/errors.ts). Anything the caller sent wrong is a 4xx;
 * only a fault of ours is a 500, and its message never leaks internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, ErrorCodes, FleetcastError, isFleetcastError } from '../../core/errors.js';

export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
  request_id: string;
}

/** Fastify's own 4xx errors (body parsing, limits, media type) mapped onto the catalogue. */
const BY_STATUS: Record<number, ErrorCode> = {
  400: 'FLEETCAST_INVALID_ARGUMENT',
  401: 'FLEETCAST_UNAUTHORIZED',
  404: 'FLEETCAST_NOT_FOUND',
  409: 'FLEETCAST_CONFLICT',
  413: 'FLEETCAST_PAYLOAD_TOO_LARGE',
  415: 'FLEETCAST_UNSUPPORTED_MEDIA_TYPE',
  429: 'FLEETCAST_RATE_LIMITED',
  503: 'FLEETCAST_NOT_READY',
};

/** Fastify's messages for these say what is wrong without naming internals; others are rewritten. */
const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty, but JSON was declared',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'send the body as application/json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is over the size limit',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length does not match the body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
};

/** Turns anything thrown while handling a request into a status and an envelope body. */
export function toEnvelope(error: unknown, requestId: string): { status: number; body: ErrorEnvelope } {
  if (isFleetcastError(error)) {
    return {
      status: error.httpStatus,
      body: {
        error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
        request_id: requestId,
      },
    };
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  const status = typeof fastifyError?.statusCode === 'number' ? fastifyError.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = BY_STATUS[status] ?? 'FLEETCAST_INVALID_ARGUMENT';
    const known = fastifyError?.code ? FASTIFY_MESSAGES[fastifyError.code] : undefined;
    const message =
      known ??
      (error instanceof SyntaxError
        ? `the body is not valid JSON: ${error.message}`
        : (fastifyError?.message ?? ErrorCodes[code].summary));
    return { status, body: { error: { code, message }, request_id: requestId } };
  }
  return {
    status: status >= 500 && status < 600 ? status : 500,
    body: {
      error: { code: 'FLEETCAST_BACKEND_ERROR', message: 'internal error: the service failed this request' },
      request_id: requestId,
    },
  };
}

/** Installs the error and not-found handlers: every failure leaves as an envelope. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toEnvelope(error, request.id);
    if (status >= 500) request.log.error({ err: error, request_id: request.id }, 'request failed');
    // A JSON parse error is logged by Fastify at the request's level; nothing to add for a 4xx.
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new FleetcastError('FLEETCAST_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`, {
      details: { method: request.method },
    });
    const { status, body } = toEnvelope(error, request.id);
    void reply.status(status).send(body);
  });
}

/** Shorthands for the errors routes raise most. */
export const httpErrors = {
  notFound: (message: string, details?: Record<string, unknown>) =>
    new FleetcastError('FLEETCAST_NOT_FOUND', message, details ? { details } : {}),
  invalid: (message: string, details?: Record<string, unknown>) =>
    new FleetcastError('FLEETCAST_INVALID_ARGUMENT', message, details ? { details } : {}),
  conflict: (message: string, details?: Record<string, unknown>) =>
    new FleetcastError('FLEETCAST_CONFLICT', message, details ? { details } : {}),
  notReady: (message: string) => new FleetcastError('FLEETCAST_NOT_READY', message),
};

/**
 * Cross-cutting HTTP behaviour, installed once on the root instance: request ids (a caller's
 * X-Request-Id is kept when it is sane, else one is made; it is echoed on every response), the
 * request log (one line per request, inputs only when `log_inputs` is on), HTTP metrics, security
 * headers, CORS (off unless origins are configured) and per-key rate limits.
 */
import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { ServeConfig } from '../../core/config/schema.js';
import { FleetcastError } from '../../core/errors.js';
import { isProtected } from '../auth/plugin.js';
import type { ServeMetrics } from '../metrics/registry.js';
import { securityHeaders } from './security-headers.js';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id: the caller's X-Request-Id when it is a plain token, else a new UUID. */
export function requestId(request: { headers: Record<string, string | string[] | undefined> }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}

const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

export function installRequestHooks(
  app: FastifyInstance,
  options: { metrics: ServeMetrics; logInputs: boolean; stopping: () => boolean },
): void {
  const { metrics } = options;
  const counted = new WeakSet<FastifyRequest>();
  const settle = (request: FastifyRequest) => {
    if (!counted.has(request)) return false;
    counted.delete(request);
    metrics.httpInFlight.dec();
    return true;
  };
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    counted.add(request);
    metrics.httpInFlight.inc();
  });
  // While stopping, every answer closes its connection, so the drain ends with the last response
  // instead of waiting for keep-alive connections the client would otherwise hold open.
  app.addHook('onSend', async (_request, reply) => {
    if (options.stopping()) void reply.header('connection', 'close');
  });
  app.addHook('onRequestAbort', async (request) => {
    settle(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    settle(request);
    const route = routeOf(request);
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
    const line: Record<string, unknown> = {
      request_id: request.id,
      method: request.method,
      route,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (request.apiKeyId) line.key = request.apiKeyId;
    if (request.servedModel) line.model = request.servedModel;
    if (options.logInputs && request.body !== undefined) line.body = clip(request.body);
    request.log.info(line, 'request');
  });
}

/** Bodies in the log (only with log_inputs) are clipped to keep lines bounded. */
function clip(body: unknown): unknown {
  const text = JSON.stringify(body) ?? '';
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : body;
}

export async function installSecurity(
  app: FastifyInstance,
  options: { config: ServeConfig; rateLimitRedis?: Redis | undefined },
): Promise<void> {
  const { config } = options;
  const headers = securityHeaders();
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  if (config.cors.origins.length > 0) {
    await app.register(cors, {
      origin: config.cors.origins.includes('*') ? true : config.cors.origins,
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'x-api-key', 'x-request-id'],
      exposedHeaders: ['x-request-id'],
    });
  }
  if (config.rateLimit.max > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit.max,
      timeWindow: config.rateLimit.windowSeconds * 1000,
      // Per key when keys are on (the key's hash, never the key), per client address otherwise.
      keyGenerator: (request) => (request.apiKeyId ? `key:${request.apiKeyId}` : `ip:${request.ip}`),
      allowList: (request) => !isProtected(request.url),
      ...(options.rateLimitRedis ? { redis: options.rateLimitRedis, nameSpace: 'fleetcast:ratelimit:' } : {}),
      // A limiter store that is down lets requests through rather than failing them.
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        Object.assign(
          new FleetcastError('FLEETCAST_RATE_LIMITED', `rate limit of ${context.max} requests per window reached`, {
            details: { retry_after_seconds: Math.ceil(context.ttl / 1000) },
          }),
          { statusCode: 429 },
        ),
    });
  }
}

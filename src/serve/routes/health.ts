/** GET /healthz (the process answers), /readyz (models loaded, stores reachable), /metrics (Prometheus). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServeContext } from '../context.js';
import { responseOf } from '../http/validation.js';

const Readiness = z.object({
  status: z.enum(['ready', 'degraded', 'not_ready']),
  models: z.record(z.string(), z.object({ version: z.number(), reference: z.string(), state: z.string() })),
  stores: z.record(z.string(), z.string()),
});

export function registerHealthRoutes(app: FastifyInstance, context: ServeContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness: the process answers',
        tags: ['health'],
        response: { 200: responseOf(z.object({ status: z.literal('ok') }), 'alive') },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: models loaded and stores reachable (degraded: the shared cache is down)',
        tags: ['health'],
        response: {
          200: responseOf(Readiness, 'ready, or degraded (serving, uncached)'),
          503: responseOf(Readiness, 'not ready: starting, stopping, or the metadata store is down'),
        },
      },
    },
    async (_request, reply) => {
      const readiness = await context.readiness();
      void reply.status(readiness.status === 'not_ready' ? 503 : 200);
      return readiness;
    },
  );

  app.get(
    '/metrics',
    { schema: { summary: 'Prometheus metrics (text exposition format)', tags: ['health'] } },
    async (_request, reply) => {
      const text = await context.metrics.text();
      void reply.type(context.metrics.contentType);
      return text;
    },
  );
}

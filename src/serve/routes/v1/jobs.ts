/** Async jobs: POST /api/v1/jobs, GET /api/v1/jobs/{id}, GET …/results, DELETE /api/v1/jobs/{id}. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { FleetcastError } from '../../../core/errors.js';
import type { ServeContext } from '../../context.js';
import { responseOf, schemaOf } from '../../http/validation.js';
import {
  CancelResponse,
  ErrorResponse,
  JobBody,
  JobCreated,
  JobParams,
  JobResponse,
  ResultsQuery,
  ResultsResponse,
} from './schemas.js';

const notFound = { 404: responseOf(ErrorResponse, 'no such job, or its results expired') };

export function registerJobRoutes(app: FastifyInstance, context: ServeContext): void {
  app.post(
    '/api/v1/jobs',
    {
      bodyLimit: context.config.jobs.bodyLimitBytes,
      schema: {
        summary: 'Submit up to 100,000 inputs for asynchronous prediction',
        tags: ['jobs'],
        body: schemaOf(JobBody),
        response: {
          202: responseOf(JobCreated, 'stored and queued; poll GET /api/v1/jobs/{id}'),
          400: responseOf(ErrorResponse, 'bad request'),
          404: responseOf(ErrorResponse, 'no such model or version'),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as z.infer<typeof JobBody>;
      if (context.stopping()) throw new FleetcastError('FLEETCAST_NOT_READY', 'the service is stopping; submit again');
      const name = body.model ?? context.pool.defaultName;
      if (!name) throw new FleetcastError('FLEETCAST_NOT_FOUND', 'no default model is served; name one in "model"');
      request.servedModel = name;
      // The version is fixed now, so a hot swap in the middle of a job never mixes two versions.
      const version = await context.inference.withModel(name, body.version, async (model) => model.number);
      const job = await context.jobs.create(name, version, body.inputs, request.apiKeyId ?? null);
      void reply.status(202);
      return { job_id: job.job_id, status: 'queued' as const, total: job.total };
    },
  );

  app.get(
    '/api/v1/jobs/:id',
    {
      schema: {
        summary: "A job's status and progress",
        tags: ['jobs'],
        params: schemaOf(JobParams),
        response: { 200: responseOf(JobResponse, 'status and progress'), ...notFound },
      },
    },
    async (request) => context.jobs.get((request.params as z.infer<typeof JobParams>).id),
  );

  app.get(
    '/api/v1/jobs/:id/results',
    {
      schema: {
        summary: "A page of a job's results (those computed so far)",
        tags: ['jobs'],
        params: schemaOf(JobParams),
        querystring: schemaOf(ResultsQuery),
        response: { 200: responseOf(ResultsResponse, 'results by input index'), ...notFound },
      },
    },
    async (request) => {
      const { id } = request.params as z.infer<typeof JobParams>;
      const { page, page_size } = request.query as z.infer<typeof ResultsQuery>;
      const { job, results } = await context.jobs.results(id, page, page_size);
      return { job_id: job.job_id, page, page_size, total: job.total, results };
    },
  );

  app.delete(
    '/api/v1/jobs/:id',
    {
      schema: {
        summary: 'Cancel a queued or running job (results computed so far are kept)',
        tags: ['jobs'],
        params: schemaOf(JobParams),
        response: {
          200: responseOf(CancelResponse, 'cancelled'),
          409: responseOf(ErrorResponse, 'the job already finished'),
          ...notFound,
        },
      },
    },
    async (request) => {
      const job = await context.jobs.cancel((request.params as z.infer<typeof JobParams>).id);
      return { job_id: job.job_id, status: 'cancelled' as const };
    },
  );
}

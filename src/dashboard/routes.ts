/**
 * The dashboard's JSON API (under /api/v1/dashboard) and the two registry actions its buttons take
 * (promote, rollback). Everything is read from the stores on each request: the page shows what is
 * stored now, and any replica answers the same.
 */
// The swagger types add `tags` to route schemas (the routes show in /openapi.json under them).
import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MetadataStore, Warehouse } from '../core/index.js';
import { FleetcastError } from '../core/index.js';
import type { ModelRegistry } from '../registry/index.js';
import { schemaOf } from '../serve/index.js';
import { fleetOverview } from './data/fleet.js';
import { jobsOverview } from './data/jobs.js';
import { modelsOverview } from './data/models.js';
import { performanceOverview } from './data/performance.js';
import { listResources, resourceDetail } from './data/resources.js';
import { listStudies, studyDetail } from './data/studies.js';

/**
 * How the dashboard reaches the warehouse. An embedded DuckDB file admits one writing process at a
 * time, so the dashboard opens it per request and lets go, and `fleetcast predict` in another
 * terminal can still write; a PostgreSQL warehouse stays open.
 */
export interface WarehouseAccess {
  use<T>(read: (warehouse: Warehouse) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function warehouseAccess(url: string, open: (url: string) => Promise<Warehouse>): WarehouseAccess {
  if (url.startsWith('duckdb:')) {
    return {
      async use(read) {
        const warehouse = await open(url);
        try {
          return await read(warehouse);
        } finally {
          await warehouse.close();
        }
      },
      close: async () => {},
    };
  }
  let opened: Promise<Warehouse> | undefined;
  return {
    use: async (read) => {
      opened ??= open(url);
      return read(await opened);
    },
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}

export interface DashboardSources {
  warehouse: WarehouseAccess;
  metadata: MetadataStore;
  registry: ModelRegistry;
  /** The wide metrics table (default `simulated_metrics`). */
  metricsTable?: string;
  /** Where batch predictions of the forecaster land (default `predictions`). */
  predictionsTable?: string;
  /** The load sweep CSV and the performance model reference shown on the performance page. */
  performance?: { csv?: string; model?: string };
  /** The model the sentiment box calls (default: the server's default model). */
  sentimentModel?: string;
}

// Schemas in zod, the way serve validates every route (a 400 naming the field, and OpenAPI docs).
const nameParam = schemaOf(z.object({ name: z.string().min(1).max(200) }));
const idParam = schemaOf(z.object({ id: z.string().min(1).max(200) }));
const promoteBody = schemaOf(
  z
    .object({
      version: z.number().int().min(1),
      to: z.string().min(1).max(50),
      reason: z.string().max(500).optional(),
      confirm: z.boolean().optional(),
    })
    .strict(),
);
const rollbackBody = schemaOf(
  z
    .object({
      env: z.string().min(1).max(50),
      reason: z.string().max(500).optional(),
      confirm: z.boolean().optional(),
    })
    .strict(),
);

/** Moving prod is the one action a stray click must not take: the caller confirms it explicitly. */
function requireConfirmation(alias: string, confirm: boolean | undefined): void {
  if (alias === 'prod' && confirm !== true) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'changing the prod alias needs "confirm": true', {
      hint: 'the dashboard asks before it sends this; API callers set confirm explicitly',
    });
  }
}

export async function dashboardRoutes(app: FastifyInstance, sources: DashboardSources): Promise<void> {
  const metricsTable = sources.metricsTable ?? 'simulated_metrics';
  const predictionsTable = sources.predictionsTable ?? 'predictions';
  const tags = ['dashboard'];

  app.get('/api/v1/dashboard/summary', { schema: { tags } }, async () => {
    const [models, studies, jobs, resources] = await Promise.all([
      modelsOverview(sources.registry),
      listStudies(sources.metadata),
      jobsOverview(sources.metadata, 10),
      sources.warehouse.use((w) => listResources(w, metricsTable)),
    ]);
    return {
      metrics_table: metricsTable,
      resources: resources.length,
      models: models.length,
      studies: studies.length,
      schedules: jobs.schedules.length,
      sentiment_model: sources.sentimentModel ?? null,
    };
  });

  app.get('/api/v1/dashboard/fleet', { schema: { tags } }, async () =>
    sources.warehouse.use((w) => fleetOverview(w, metricsTable)),
  );

  app.get('/api/v1/dashboard/resources', { schema: { tags } }, async () => ({
    resources: await sources.warehouse.use((w) => listResources(w, metricsTable)),
  }));

  app.get<{ Params: { id: string } }>(
    '/api/v1/dashboard/resources/:id',
    {
      schema: {
        tags,
        params: idParam,
      },
    },
    async (request) => {
      const detail = await sources.warehouse.use((w) =>
        resourceDetail(w, { metrics: metricsTable, predictions: predictionsTable }, request.params.id),
      );
      if (!detail) {
        throw new FleetcastError('FLEETCAST_NOT_FOUND', `resource ${request.params.id} is not in ${metricsTable}`, {
          hint: 'GET /api/v1/dashboard/resources lists the resources',
        });
      }
      return detail;
    },
  );

  app.get('/api/v1/dashboard/models', { schema: { tags } }, async () => ({
    models: await modelsOverview(sources.registry),
  }));

  app.get('/api/v1/dashboard/jobs', { schema: { tags } }, async () => jobsOverview(sources.metadata));

  app.get('/api/v1/dashboard/studies', { schema: { tags } }, async () => ({
    studies: await listStudies(sources.metadata),
  }));

  app.get<{ Params: { name: string } }>(
    '/api/v1/dashboard/studies/:name',
    { schema: { tags, params: nameParam } },
    async (request) => {
      const detail = await studyDetail(sources.metadata, request.params.name);
      if (!detail) {
        throw new FleetcastError('FLEETCAST_NOT_FOUND', `study ${request.params.name} does not exist`, {
          hint: 'GET /api/v1/dashboard/studies lists the studies',
        });
      }
      return detail;
    },
  );

  app.get('/api/v1/dashboard/performance', { schema: { tags } }, async () =>
    performanceOverview(sources.registry, sources.performance ?? {}),
  );

  app.post<{ Params: { name: string }; Body: { version: number; to: string; reason?: string; confirm?: boolean } }>(
    '/api/v1/models/:name/promote',
    { schema: { tags: ['registry'], params: nameParam, body: promoteBody } },
    async (request) => {
      const { version, to, reason, confirm } = request.body;
      requireConfirmation(to, confirm);
      const change = await sources.registry.promote(request.params.name, version, to, reason ?? 'dashboard');
      return { name: request.params.name, ...change };
    },
  );

  app.post<{ Params: { name: string }; Body: { env: string; reason?: string; confirm?: boolean } }>(
    '/api/v1/models/:name/rollback',
    { schema: { tags: ['registry'], params: nameParam, body: rollbackBody } },
    async (request) => {
      const { env, reason, confirm } = request.body;
      requireConfirmation(env, confirm);
      const change = await sources.registry.rollback(request.params.name, env, reason ?? 'dashboard');
      return { name: request.params.name, ...change };
    },
  );
}

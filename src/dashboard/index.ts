/**
 * The dashboard: a small front end (built by `npm run build` into dist/web, served from /ui/, no
 * CDN) over the dashboard API. `serve` mounts it at `/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { FleetcastConfig } from '../core/config/schema.js';
import { openWarehouse } from '../core/index.js';
import type { OpenRegistry } from '../registry/index.js';
import { type DashboardSources, dashboardRoutes, warehouseAccess } from './routes.js';

export { kneeUsers } from './data/performance.js';
export { type DashboardSources, type WarehouseAccess, warehouseAccess } from './routes.js';

/** The built front end: dist/web beside the compiled server, or the repo's dist/web when run from source. */
export function dashboardAssetsDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '../web'), resolve(here, '../../dist/web')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

export async function registerDashboard(app: FastifyInstance, sources: DashboardSources): Promise<void> {
  await dashboardRoutes(app, sources);
  const assets = dashboardAssetsDir();
  if (assets) {
    await app.register(fastifyStatic, { root: assets, prefix: '/ui/', index: false, decorateReply: true });
  }
  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (!assets) {
      return reply
        .type('text/plain')
        .send(
          'The dashboard is not built: run `npm run build` (npm install does it), then restart `fleetcast serve`.\n',
        );
    }
    return reply.type('text/html').sendFile('index.html', assets);
  });
}

/**
 * The dashboard over the configured stores, in the form `buildServeApp({ extraRoutes })` takes.
 * The performance page shows the demo's sweep (`{home}/demo/sweep.csv`) and `service-performance@prod`
 * unless told otherwise.
 */
export function dashboardFor(
  config: FleetcastConfig,
  options: Partial<Pick<DashboardSources, 'metricsTable' | 'predictionsTable' | 'performance' | 'sentimentModel'>> = {},
): (app: FastifyInstance, opened: OpenRegistry) => Promise<void> {
  return async (app, opened) => {
    const warehouse = warehouseAccess(config.warehouseUrl, openWarehouse);
    app.addHook('onClose', async () => warehouse.close());
    await registerDashboard(app, {
      warehouse,
      metadata: opened.metadata,
      registry: opened.registry,
      performance: options.performance ?? {
        csv: join(config.home, 'demo', 'sweep.csv'),
        model: 'service-performance@prod',
      },
      ...(options.metricsTable ? { metricsTable: options.metricsTable } : {}),
      ...(options.predictionsTable ? { predictionsTable: options.predictionsTable } : {}),
      ...(options.sentimentModel ? { sentimentModel: options.sentimentModel } : {}),
    });
  };
}

/**
 * Builds the inference service: the stores, the model pool, the cache, jobs and feedback, and the
 * Fastify app with its routes (v1, Open Inference Protocol v2, health, metrics, docs). Listening
 * and signals are start.ts's; this file only assembles, so tests build apps side by side.
 */
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { FleetcastConfig } from '../core/config/schema.js';
import { errorMessage } from '../core/errors.js';
import { type OpenRegistry, openRegistry } from '../registry/index.js';
import type { KeyRing } from './auth/keys.js';
import { openKeyRing } from './auth/open.js';
import { installAuth } from './auth/plugin.js';
import { createPredictionCache, type PredictionCache } from './cache/index.js';
import type { Readiness, ServeContext } from './context.js';
import { DriftMonitor } from './drift/index.js';
import { installErrorHandlers, toEnvelope } from './http/errors.js';
import { installRequestHooks, installSecurity, requestId } from './http/plumbing.js';
import { installValidation } from './http/validation.js';
import { BullmqDispatcher, type JobDispatcher, LocalDispatcher } from './jobs/dispatch.js';
import { JobService } from './jobs/service.js';
import { JobStore } from './jobs/store.js';
import { ServeMetrics } from './metrics/registry.js';
import { DEFAULT_MODEL_REFERENCES, ensureDefaultModel } from './models/defaults.js';
import { driftKey, InferenceService } from './models/inference.js';
import { type ModelPool, type ModelSwap, ModelPool as Pool, type ServedModel } from './models/pool.js';
import { ShadowTraffic } from './models/shadow.js';
import { FeedbackStore } from './predictions/feedback.js';
import { PredictionRecorder } from './predictions/recorder.js';
import { registerDocs } from './routes/docs.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerFeedbackRoutes } from './routes/v1/feedback.js';
import { registerJobRoutes } from './routes/v1/jobs.js';
import { registerModelRoutes } from './routes/v1/models.js';
import { registerPredictRoutes } from './routes/v1/predict.js';
import { v2Routes } from './routes/v2/index.js';
import { serveDb } from './tables.js';
import { type ServeTracing, startTracing } from './tracing/index.js';

export interface ServeAppOptions {
  config: FleetcastConfig;
  /** An opened registry, left open by close(); when absent one is opened from `config` and closed. */
  registry?: OpenRegistry;
  /** Model references to serve; default `config.serve.models`, else `sentiment@prod`. */
  models?: readonly string[];
  defaultModel?: string;
  logger?: Logger;
  /** Key prefix in Redis for the cache, the job queue and rate limits (tests keep theirs apart). */
  redisPrefix?: string;
  /** Job store scan period (resume of waiting or orphaned jobs), ms. */
  jobScanIntervalMs?: number;
  /** How long a job runner's lease lasts without renewal, ms. */
  jobLeaseMs?: number;
  /**
   * More routes on the same server, registered after the API's (the dashboard mounts itself here:
   * it is a separate concept, composed by the CLI, not a part of serve).
   */
  extraRoutes?: (app: FastifyInstance, registry: OpenRegistry) => Promise<void>;
}

export interface ServeApp {
  app: FastifyInstance;
  pool: ModelPool;
  metrics: ServeMetrics;
  keys: KeyRing;
  jobs: JobService;
  /** OpenTelemetry tracing; undefined when it is off (the default). */
  tracing: ServeTracing | undefined;
  /** Re-resolves the served aliases (hot swap) and re-reads the keys file (when changed) and table. */
  refresh(): Promise<ModelSwap[]>;
  /** Marks the service stopping: readiness fails at once, before the listener closes. */
  beginShutdown(): void;
  close(): Promise<void>;
}

export async function buildServeApp(options: ServeAppOptions): Promise<ServeApp> {
  const { config } = options;
  const serve = config.serve;
  const logger = options.logger ?? pino({ level: 'silent' });

  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => {});
  };
  try {
    // First in, so last out: the spans of the requests drained by app.close() are still exported.
    const tracing = await startTracing({ config, logger });
    if (tracing) cleanups.push(() => tracing.shutdown());
    const opened = options.registry ?? (await openRegistry(config));
    if (!options.registry) cleanups.push(() => opened.close());
    // Configuration, keys file and the keys table; refuses the production profile with none.
    const keys = await openKeyRing({ config, metadata: opened.metadata, logger });
    const db = serveDb(opened.metadata);
    const jobStore = new JobStore(db);

    const references =
      options.models && options.models.length > 0
        ? [...options.models]
        : serve.models.length > 0
          ? serve.models
          : [...DEFAULT_MODEL_REFERENCES];
    if (references.includes(DEFAULT_MODEL_REFERENCES[0])) {
      await ensureDefaultModel(opened.registry, join(config.home, 'cache'));
    }

    const prefix = options.redisPrefix ?? 'fleetcast';
    let cache: PredictionCache | undefined;
    let shadows: ShadowTraffic | undefined;
    let served: () => ServedModel[] = () => [];
    const drift = new DriftMonitor({ baselineSize: serve.drift.baselineSize, windowSize: serve.drift.windowSize });
    const metrics = new ServeMetrics({
      countJobs: () => jobStore.countByStatus(),
      cacheDegraded: () => cache?.degraded ?? false,
      drift: () =>
        served().flatMap((model) => {
          const report = drift.psi(driftKey(model.name, model.current.number));
          return [...Object.entries(report.inputs), ['(prediction)', report.prediction] as const]
            .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
            .map(([feature, psi]) => ({ model: model.name, feature, psi }));
        }),
      shadow: () => shadows?.rates() ?? [],
    });
    const pool = new Pool({
      registry: opened.registry,
      references,
      defaultModel: options.defaultModel ?? serve.defaultModel,
      batching: serve.batching,
      metrics,
      logger,
      aliasTtlMs: Math.max(1000, serve.reloadIntervalSeconds * 1000),
    });
    await pool.start();
    cleanups.push(() => pool.close());
    served = () => pool.list();
    const shadowTraffic = new ShadowTraffic({
      registry: opened.registry,
      shadows: serve.shadow,
      batching: serve.batching,
      metrics,
      logger,
    });
    await shadowTraffic.start(pool.names());
    cleanups.push(() => shadowTraffic.close());
    shadows = shadowTraffic;

    if (serve.cache.maxEntries > 0) {
      cache = createPredictionCache({
        maxEntries: serve.cache.maxEntries,
        ...(serve.cache.ttlSeconds > 0 ? { ttlSeconds: serve.cache.ttlSeconds } : {}),
        ...(config.redisUrl ? { redisUrl: config.redisUrl, prefix: `${prefix}:cache:` } : {}),
        hooks: {
          onError: (error) => {
            metrics.cacheErrors.inc();
            logger.warn({ err: errorMessage(error) }, 'prediction cache: Redis failed; serving uncached');
          },
        },
      });
      const opened = cache;
      cleanups.push(() => opened.close());
    }

    const recorder = serve.predictions.record ? new PredictionRecorder(db, logger) : undefined;
    if (recorder) cleanups.push(() => recorder.close());
    const feedback = new FeedbackStore(db, recorder);
    const inference = new InferenceService({ pool, cache, metrics, recorder, drift, shadows: shadowTraffic, tracing });

    const dispatcher: JobDispatcher = config.redisUrl
      ? new BullmqDispatcher({ redisUrl: config.redisUrl, concurrency: serve.jobs.concurrency, logger, prefix })
      : new LocalDispatcher(serve.jobs.concurrency);
    const jobs = new JobService({
      store: jobStore,
      dispatcher,
      pool,
      metrics,
      logger,
      jobs: serve.jobs,
      ...(options.jobScanIntervalMs ? { scanIntervalMs: options.jobScanIntervalMs } : {}),
      ...(options.jobLeaseMs ? { leaseMs: options.jobLeaseMs } : {}),
    });
    cleanups.push(() => jobs.close());

    let rateLimitRedis: Redis | undefined;
    if (serve.rateLimit.max > 0 && config.redisUrl) {
      // Shared limits across replicas; a dead Redis must fail a command at once, not queue it.
      rateLimitRedis = new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: 100,
        connectTimeout: 2000,
      });
      rateLimitRedis.on('error', () => {});
      const connection = rateLimitRedis;
      cleanups.push(async () => connection.disconnect());
    }

    let stopping = false;
    const readiness = async (): Promise<Readiness> => {
      const models: Readiness['models'] = {};
      for (const served of pool.list()) {
        models[served.name] = { version: served.current.number, reference: served.reference, state: 'loaded' };
      }
      const metadataUp = await withTimeout(opened.metadata.ping(), 2000).then(
        () => true,
        () => false,
      );
      const stores: Readiness['stores'] = {
        metadata: metadataUp ? 'ok' : 'down',
        cache: !cache ? 'off' : !config.redisUrl ? 'in-process' : cache.degraded ? 'degraded' : 'ok',
        queue: dispatcher.kind === 'local' ? 'in-process' : (await dispatcher.ping()) ? 'ok' : 'degraded',
      };
      const status =
        stopping || !metadataUp ? 'not_ready' : Object.values(stores).includes('degraded') ? 'degraded' : 'ready';
      return { status, models, stores };
    };

    const context: ServeContext = {
      config: serve,
      pool,
      inference,
      jobs,
      feedback,
      metrics,
      drift,
      shadows: shadowTraffic,
      keys,
      logger,
      readiness,
      stopping: () => stopping,
    };
    metrics.apiKeys.set(keys.size);

    const app = Fastify({
      loggerInstance: logger as FastifyBaseLogger,
      // One line per request is written by the request hooks (plumbing.ts), with route and model.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: serve.bodyLimitBytes,
      genReqId: (request) => requestId(request),
      return503OnClosing: true,
      // A malformed URL or an over-long path parameter is refused before routing: same envelope.
      frameworkErrors: (error, request, reply) => {
        const { status, body } = toEnvelope(error, request.id);
        const raw = reply as unknown as FastifyReply;
        void raw.status(status).header('x-request-id', request.id).send(body);
      },
    });
    cleanups.push(() => app.close());
    app.removeContentTypeParser('text/plain');
    installValidation(app);
    installErrorHandlers(app);
    tracing?.installHttp(app);
    installRequestHooks(app, { metrics, logInputs: serve.logInputs, stopping: () => stopping });
    installAuth(app, keys);
    await installSecurity(app, { config: serve, rateLimitRedis });
    await registerDocs(app);
    registerHealthRoutes(app, context);
    registerPredictRoutes(app, context);
    registerModelRoutes(app, context);
    registerJobRoutes(app, context);
    registerFeedbackRoutes(app, context);
    await app.register(async (v2) => v2Routes(v2, context), { prefix: '/v2' });
    if (options.extraRoutes) await options.extraRoutes(app, opened);
    await app.ready();

    jobs.start();
    const maintenance = setInterval(() => {
      void feedback.expirePredictions(serve.predictions.retentionDays).catch(() => {});
    }, 3_600_000).unref();
    cleanups.push(async () => clearInterval(maintenance));

    return {
      app,
      pool,
      metrics,
      keys,
      jobs,
      tracing,
      refresh: async () => {
        if (await keys.refresh()) logger.info({ keys: keys.size }, 'API keys reloaded');
        metrics.apiKeys.set(keys.size);
        await shadowTraffic.refresh();
        return pool.refresh();
      },
      beginShutdown: () => {
        stopping = true;
      },
      close: async () => {
        stopping = true;
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

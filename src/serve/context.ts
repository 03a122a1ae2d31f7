/**
 * What routes are given: the services they call. Routes stay thin (parse, call, format); the
 * behaviour lives in these services.
 */
import type { Logger } from 'pino';
import type { ServeConfig } from '../core/config/schema.js';
import type { KeyRing } from './auth/keys.js';
import type { DriftMonitor } from './drift/index.js';
import type { JobService } from './jobs/service.js';
import type { ServeMetrics } from './metrics/registry.js';
import type { InferenceService } from './models/inference.js';
import type { ModelPool } from './models/pool.js';
import type { ShadowTraffic } from './models/shadow.js';
import type { FeedbackStore } from './predictions/feedback.js';

export interface Readiness {
  status: 'ready' | 'degraded' | 'not_ready';
  models: Record<string, { version: number; reference: string; state: 'loaded' }>;
  stores: Record<string, 'ok' | 'down' | 'degraded' | 'in-process' | 'off'>;
}

export interface ServeContext {
  config: ServeConfig;
  pool: ModelPool;
  inference: InferenceService;
  jobs: JobService;
  feedback: FeedbackStore;
  metrics: ServeMetrics;
  drift: DriftMonitor;
  shadows: ShadowTraffic;
  keys: KeyRing;
  logger: Logger;
  readiness(): Promise<Readiness>;
  /** True from the moment a shutdown starts: readiness fails so load balancers stop sending. */
  stopping(): boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Short id of the API key that authenticated the request (never the key). */
    apiKeyId?: string;
    /** The model a prediction route answered with, for the request log. */
    servedModel?: string;
  }
}

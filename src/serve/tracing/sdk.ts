/**
 * The OpenTelemetry SDK side of tracing: provider, sampler, batch processor, OTLP/HTTP exporter.
 * Loaded with a dynamic import only when tracing is on, so a service without tracing neither loads
 * the SDK nor creates anything of it.
 *
 * The provider is not registered as OpenTelemetry's global: the service hands its tracer to the
 * code that makes spans, so two apps in one process (tests, an embedding application with its own
 * tracing) never take each other's spans, and shutting one down leaves the other's tracing alone.
 */
import { randomUUID } from 'node:crypto';
import type { TextMapPropagator, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';
import type { TracingConfig } from '../../core/config/tracing.js';
import { VERSION } from '../../core/version.js';
import { ReportingExporter } from './export-failures.js';

export interface TracingSdk {
  tracer: Tracer;
  propagator: TextMapPropagator;
  /** Exports every span ended so far. */
  forceFlush(): Promise<void>;
  /** Exports what is left and stops; the caller bounds how long it waits. */
  shutdown(): Promise<void>;
}

export interface TracingSdkOptions {
  settings: TracingConfig & { endpoint: string };
  /** The configuration profile, as `deployment.environment.name`. */
  profile: string;
  logger: Logger;
  /** The endpoint as it may be logged (credentials masked). */
  shownEndpoint: string;
  /** Least time between two "cannot export" warnings, ms. */
  failureLogIntervalMs?: number;
}

export function createTracingSdk(options: TracingSdkOptions): TracingSdk {
  const { settings } = options;
  // An explicit URL: the exporter's own OTEL_EXPORTER_OTLP_*ENDPOINT reading would otherwise
  // override Fleetcast's precedence (config/tracing.ts). Headers, timeout and compression still come
  // from the exporter's standard variables. The Node exporter sends JSON (Content-Type
  // application/json), which every OTLP/HTTP receiver accepts.
  const exporter = new ReportingExporter(new OTLPTraceExporter({ url: settings.endpoint }), {
    logger: options.logger,
    endpoint: options.shownEndpoint,
    ...(options.failureLogIntervalMs !== undefined ? { intervalMs: options.failureLogIntervalMs } : {}),
  });
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        'service.name': settings.serviceName,
        'service.version': VERSION,
        'service.instance.id': randomUUID(),
        'deployment.environment.name': options.profile,
      }),
    ),
    // Parent-based: a caller that sampled its trace gets our spans in it, one that did not, none;
    // the ratio applies to traces that start here.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.sampleRatio) }),
    // Spans are queued in memory and exported in the background (every 5 s or per 512 spans, the
    // SDK's defaults, tunable with OTEL_BSP_*): a request only appends to the queue, and a full
    // queue drops spans rather than waiting, so a slow or absent collector never slows a request.
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  return {
    tracer: provider.getTracer('fleetcast-serve', VERSION),
    propagator: new W3CTraceContextPropagator(),
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

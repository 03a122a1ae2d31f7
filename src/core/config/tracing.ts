/**
 * The `serve.tracing` block: OpenTelemetry traces of the inference service, exported over
 * OTLP/HTTP. Off unless an endpoint is set. Fleetcast's own settings (file, FLEETCAST_* variables,
 * flags) win; the standard OTEL_* variables fill what they leave unset, because those are often set
 * for a whole cluster (an operator injects them into every pod) while a Fleetcast setting was
 * written for this service. OTEL_SDK_DISABLED=true turns tracing off whatever else is set: it is the
 * standard kill switch.
 *
 * Headers, timeouts, compression and certificates of the export are the exporter's own
 * OTEL_EXPORTER_OTLP_* variables, read by the exporter itself: they are not repeated here.
 */
import { z } from 'zod';
import { FleetcastError } from '../errors.js';
import { maskValue } from './mask.js';

export const TRACING_DEFAULTS = { serviceName: 'fleetcast-serve', sampleRatio: 1 } as const;

const TRACES_PATH = 'v1/traces';
const URL_EXPECTED = 'an http:// or https:// URL, e.g. http://localhost:4318';

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export const TracingInputSchema = z
  .object({
    /** The collector's OTLP/HTTP address (`http://collector:4318`); `/v1/traces` is added unless given. */
    otlp_endpoint: z.string().refine(isHttpUrl, { message: URL_EXPECTED }),
    service_name: z.string().min(1).max(256),
    /** Share of new traces kept (0–1); a caller's `traceparent` decides for the traces it continues. */
    sample_ratio: z.number().min(0).max(1),
  })
  .strict()
  .partial();

export type TracingInput = z.infer<typeof TracingInputSchema>;

/** The resolved `serve.tracing` block. */
export interface TracingConfig {
  /** The full URL spans are POSTed to (…/v1/traces); undefined: tracing is off. */
  endpoint: string | undefined;
  /** The setting the endpoint came from (`serve.tracing.otlp_endpoint`, `OTEL_EXPORTER_OTLP_ENDPOINT`, …). */
  endpointFrom: string | undefined;
  serviceName: string;
  sampleRatio: number;
}

export function resolveTracingConfig(input: TracingInput | undefined, env: NodeJS.ProcessEnv): TracingConfig {
  const read = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const serviceName = input?.service_name ?? read('OTEL_SERVICE_NAME') ?? TRACING_DEFAULTS.serviceName;
  const found = read('OTEL_SDK_DISABLED')?.toLowerCase() === 'true' ? undefined : endpointOf(input, read);
  // The OTEL_ sampler variables are read (and can fail) only when tracing is on: a stray one in a
  // shell must not break the other verbs.
  const sampleRatio = input?.sample_ratio ?? (found ? otelRatio(read) : undefined) ?? TRACING_DEFAULTS.sampleRatio;
  return { endpoint: found?.endpoint, endpointFrom: found?.from, serviceName, sampleRatio };
}

function endpointOf(
  input: TracingInput | undefined,
  read: (name: string) => string | undefined,
): { endpoint: string; from: string } | undefined {
  if (input?.otlp_endpoint !== undefined) {
    return { endpoint: withTracesPath(input.otlp_endpoint), from: 'serve.tracing.otlp_endpoint' };
  }
  // The signal-specific variable is the full URL, as is; the general one is a base (spec: append).
  const specific = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific !== undefined) {
    checkUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific);
    return { endpoint: new URL(specific).href, from: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' };
  }
  const base = read('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base !== undefined) {
    checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
    const url = new URL(base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${TRACES_PATH}`;
    return { endpoint: url.href, from: 'OTEL_EXPORTER_OTLP_ENDPOINT' };
  }
  return undefined;
}

/** `http://collector:4318` → `…/v1/traces`; a URL that already ends in /v1/traces is kept. */
function withTracesPath(endpoint: string): string {
  const url = new URL(endpoint);
  const path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith(`/${TRACES_PATH}`)) url.pathname = `${path}/${TRACES_PATH}`;
  return url.href;
}

/**
 * The ratio named by OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG. Fleetcast always samples
 * parent-based (a caller's sampled flag decides for the traces it continues), so `always_on` and
 * `parentbased_always_on` both mean 1, the `traceidratio` pair both mean the argument (1 when
 * absent, as the SDK does), and a lone OTEL_TRACES_SAMPLER_ARG is taken as the ratio too.
 */
function otelRatio(read: (name: string) => string | undefined): number | undefined {
  const sampler = read('OTEL_TRACES_SAMPLER')?.toLowerCase();
  const arg = read('OTEL_TRACES_SAMPLER_ARG');
  switch (sampler) {
    case 'always_on':
    case 'parentbased_always_on':
      return 1;
    case 'always_off':
    case 'parentbased_always_off':
      return 0;
    case undefined:
    case 'traceidratio':
    case 'parentbased_traceidratio': {
      if (arg === undefined) return sampler === undefined ? undefined : 1;
      const ratio = Number(arg);
      if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
        throw invalidVariable('OTEL_TRACES_SAMPLER_ARG', arg, 'a number from 0 to 1');
      }
      return ratio;
    }
    default:
      throw invalidVariable(
        'OTEL_TRACES_SAMPLER',
        sampler,
        'always_on, always_off, traceidratio or their parentbased_ forms',
      );
  }
}

function checkUrl(name: string, value: string): void {
  if (!isHttpUrl(value)) throw invalidVariable(name, value, URL_EXPECTED);
}

function invalidVariable(name: string, value: string, expected: string): FleetcastError {
  const shown = JSON.stringify(maskValue('endpoint', value));
  return new FleetcastError(
    'FLEETCAST_CONFIG_INVALID',
    `invalid configuration: ${name} = ${shown} (from environment): expected ${expected}`,
    {
      hint: `fix ${name}, or set serve.tracing in fleetcast.yaml (FLEETCAST_SERVE_OTLP_ENDPOINT, …), which takes precedence`,
      details: { key: name, origin: 'environment', expected },
    },
  );
}

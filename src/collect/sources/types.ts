/**
 * Where measurements come from: a Prometheus server (any query set) or the embedded scraper (the
 * Istio query set computed in-process). Both answer the same questions, so the runner is written once.
 */
import { FleetcastError } from '../../core/errors.js';
import type { Measurement, Quantity } from '../queries/types.js';

export interface MeasureRequest {
  service: string;
  namespace: string;
  /** Unix seconds the measurement refers to. */
  at: number;
  /** Rate window, seconds. */
  window: number;
  signal?: AbortSignal;
}

export interface MetricsSource {
  readonly kind: 'prometheus' | 'embedded';
  /** The quantities this source measures: the CSV has one column per quantity. */
  readonly quantities: readonly Quantity[];
  /** Services that had traffic in the namespace (the query set's discovery). */
  discover(namespace: string, signal?: AbortSignal): Promise<string[]>;
  /** One poll of one service; throws when a quantity has no data (never invents a value). */
  measure(request: MeasureRequest): Promise<Measurement>;
  close(): Promise<void>;
}

/** The one error for "this quantity has no series": an empty result is never a measured zero. */
export function emptyResult(
  quantity: Quantity,
  request: MeasureRequest,
  query?: string,
  hint?: string,
): FleetcastError {
  return new FleetcastError(
    'FLEETCAST_NOT_FOUND',
    `no data for ${quantity} of service "${request.service}" (namespace "${request.namespace}") at ${new Date(request.at * 1000).toISOString()}`,
    {
      hint:
        hint ??
        'check the service name and namespace, that its metrics are scraped, and that it had traffic during the window',
      details: { service: request.service, quantity, ...(query ? { query } : {}) },
    },
  );
}

/** Measurements through a Prometheus server: each quantity is its query set's template, rendered per service. */
import { FleetcastError } from '../../core/errors.js';
import type { PrometheusClient } from '../prometheus/client.js';
import { renderTemplate } from '../prometheus/promql.js';
import { type Measurement, QUANTITIES, type Quantity, type QuerySet } from '../queries/types.js';
import { emptyResult, type MeasureRequest, type MetricsSource } from './types.js';

export class PrometheusSource implements MetricsSource {
  readonly kind = 'prometheus' as const;
  readonly quantities: readonly Quantity[];

  constructor(
    readonly client: PrometheusClient,
    private readonly set: QuerySet,
  ) {
    this.quantities = QUANTITIES.filter((q) => set.queries[q] !== undefined);
  }

  async discover(namespace: string, signal?: AbortSignal): Promise<string[]> {
    if (!this.set.discover) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `the query set "${this.set.name}" cannot discover services`,
        {
          hint: 'list them under services.include, or add discover: {selector, label} to the query set',
        },
      );
    }
    const selector = renderTemplate(
      this.set.discover.selector,
      { service: '', namespace, window: 60 },
      'discover.selector',
    );
    return this.client.labelValues(this.set.discover.label, [selector], signal);
  }

  async measure(request: MeasureRequest): Promise<Measurement> {
    const entries = await Promise.all(
      this.quantities.map(async (quantity) => [quantity, await this.measureOne(quantity, request)] as const),
    );
    return Object.fromEntries(entries);
  }

  private async measureOne(quantity: Quantity, request: MeasureRequest): Promise<number> {
    const query = renderTemplate(this.set.queries[quantity]!, request, `queries.${quantity}`);
    const result = await this.client.query(query, request.at, request.signal);
    if (result.type === 'scalar') return result.value;
    if (result.type === 'matrix') {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `query ${quantity} returned a range, not one value`, {
        hint: 'a measurement query must return an instant vector; use rate(x[{{window}}]), not x[{{window}}]',
        details: { query },
      });
    }
    if (result.samples.length === 0) throw emptyResult(quantity, request, query);
    if (result.samples.length > 1) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `query ${quantity} returned ${result.samples.length} series for service "${request.service}", not one`,
        { hint: 'aggregate it to one value per service, e.g. sum(…)', details: { query } },
      );
    }
    return result.samples[0]!.value;
  }

  async close(): Promise<void> {}
}

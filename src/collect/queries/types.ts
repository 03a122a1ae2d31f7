/**
 * What a collection measures per service and poll. Each quantity is one column of the load-step CSV
 * (the kpp columns, plus the p95 response time after them).
 */

export const QUANTITIES = [
  'response_time',
  'response_time_p95',
  'throughput',
  'cpu',
  'replicas',
  'cpu_request',
] as const;
export type Quantity = (typeof QUANTITIES)[number];

/** Quantities every query set must define: the three targets of the performance models. */
export const REQUIRED_QUANTITIES: readonly Quantity[] = ['response_time', 'throughput', 'cpu'];

/** The CSV column of each quantity, in the order columns are written. */
export const QUANTITY_COLUMNS: ReadonlyArray<[Quantity, string]> = [
  ['response_time', 'Response Time (s)'],
  ['throughput', 'Throughput (req/s)'],
  ['cpu', 'CPU Usage'],
  ['replicas', 'Replicas'],
  ['cpu_request', 'CPU Request'],
  ['response_time_p95', 'Response Time p95 (s)'],
];

/** What one poll measured for one service (only the quantities the query set defines). */
export type Measurement = Partial<Record<Quantity, number>>;

export interface QuerySet {
  name: string;
  /** PromQL templates (see prometheus/promql.ts for placeholders); response times in seconds. */
  queries: Partial<Record<Quantity, string>>;
  /** How to list services when the experiment does not name them. */
  discover?: { selector: string; label: string };
}

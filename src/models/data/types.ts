/** One poll of one service in a load-step experiment, after validation (units as in the kpp CSVs). */
export interface LoadStepRow {
  /** Unix seconds. */
  timestamp: number;
  service: string;
  users: number;
  /**
   * Measurements. `NaN` means missing: the poll had no completed request to average (the collector
   * writes `nan`), which is a fact about the system, not a parse error.
   */
  responseTime: number;
  throughput: number;
  cpu: number;
  /** Inputs that the experiment may not record: undefined when the column is absent. */
  replicas?: number;
  cpuRequest?: number;
}

export const TARGETS = ['responseTime', 'throughput', 'cpu'] as const;
export type Target = (typeof TARGETS)[number];

/** Summary of one service at one user level: medians of the finite measurements of its polls. */
export interface LevelSummary {
  users: number;
  /** Median replicas and CPU request over the level's polls (undefined when not recorded). */
  replicas?: number;
  cpuRequest?: number;
  responseTime: number;
  throughput: number;
  cpu: number;
  /** Polls behind the summary. */
  count: number;
}

/** A service's rows grouped by user level, levels ascending. */
export interface ServiceLevels {
  service: string;
  levels: Array<{ users: number; rows: LoadStepRow[] }>;
}

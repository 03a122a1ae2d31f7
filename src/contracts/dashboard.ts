/**
 * The dashboard API's response shapes: plain types shared by the server (src/dashboard/data) and
 * the browser pages (src/dashboard/web), so the two cannot drift apart.
 */
export interface FleetOverview {
  table: string;
  resources: number;
  rows: number;
  from: string | null;
  to: string | null;
  interval_seconds: number;
  /** Spend over the stored period, and the parts of it that buy nothing. */
  cost_usd: number;
  idle_cost_usd: number;
  monthly_cost_usd: number;
  monthly_saving_usd: number;
  waste_pct: number;
  anomaly_rows: number;
  utilisation: { bins: Array<{ from: number; to: number; resources: number }>; median_cpu: number };
  archetypes: Array<{
    workload_type: string;
    resources: number;
    cpu_mean: number;
    monthly_cost_usd: number;
    monthly_saving_usd: number;
  }>;
  top_savings: Array<{
    resource_id: string;
    workload_type: string;
    instance_type: string;
    recommended_instance: string;
    cpu_mean: number;
    cpu_p995: number;
    memory_peak: number;
    monthly_saving_usd: number;
  }>;
}

export interface ResourceListItem {
  resource_id: string;
  workload_type: string;
  instance_type: string;
  team: string;
  cpu_mean: number;
  anomaly_rows: number;
}

export interface ResourceDetail {
  resource_id: string;
  workload_type: string | null;
  instance_type: string | null;
  points: number;
  history: Array<{ t: string; cpu: number; memory: number; anomaly: string | null }>;
  anomalies: Array<{ type: string; from: string; to: string }>;
  forecast: null | {
    run_id: string;
    model: string;
    version: number;
    predicted_at: string;
    steps: Array<{ t: string; mean: number; q10: number; q50: number; q90: number }>;
  };
}

export interface ModelOverview {
  name: string;
  flavor: string;
  latest: number;
  aliases: Record<string, number>;
  versions: Array<{
    version: number;
    aliases: string[];
    created_at: string;
    created_by: string;
    size_bytes: number;
    metrics: Record<string, number>;
    source_run: string | null;
  }>;
  history: Array<{
    alias: string;
    action: string;
    from_version: number | null;
    to_version: number | null;
    changed_by: string;
    changed_at: string;
    reason: string | null;
  }>;
}

export interface JobsOverview {
  schedules: Array<{
    name: string;
    cron: string;
    timezone: string;
    model: string;
    retries: number;
    created_at: string;
  }>;
  runs: Array<{
    id: string;
    schedule: string;
    trigger: string;
    status: string;
    attempts: number;
    started_at: string;
    duration_ms: number | null;
    rows_in: number | null;
    rows_out: number | null;
    rejected: number | null;
    error: string | null;
  }>;
}

export interface StudySummary {
  name: string;
  created_at: string;
  sampler: string;
  trials: number;
  completed: number;
  best_loss: number | null;
}

export interface StudyDetail extends StudySummary {
  /** Completed trials in order: their loss and the best loss so far (the convergence curve). */
  convergence: Array<{ number: number; loss: number; best: number }>;
  best: null | { number: number; loss: number; params: unknown };
}

export interface ServicePerformance {
  service: string;
  measured: Array<{ users: number; response_time: number; throughput: number; cpu: number; polls: number }>;
  predicted: Array<{ users: number; response_time: number; throughput: number; cpu: number }>;
  knee_users: number | null;
  max_throughput: number | null;
}

export interface PerformanceOverview {
  source: string | null;
  model: string | null;
  model_version: number | null;
  services: ServicePerformance[];
}

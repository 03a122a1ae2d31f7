/**
 * What an Istio sidecar, cAdvisor and kube-state-metrics would report about one demo service, with
 * their metric names and labels: requests and durations on both sides of every call (reporter
 * `destination` for calls received, `source` for calls made), the process's CPU as the container's
 * and again as the pod-level series (as cAdvisor does), the replica count and the CPU request.
 */
import { createHash } from 'node:crypto';
import { Counter, Histogram, Registry } from 'prom-client';

/** Istio's default buckets for request durations, milliseconds. */
export const ISTIO_DURATION_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

const LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'destination_workload',
  'destination_workload_namespace',
  'destination_service_name',
  'response_code',
  'request_protocol',
] as const;

/** A Deployment-style pod name, `<name>-<replicaset hash>-<suffix>`, stable per service. */
export function podName(service: string): string {
  const hash = createHash('sha256').update(service).digest('hex');
  const alnum = (hex: string) => [...hex].map((c) => 'bcdfghjklmnpqrstvwxz2456789'[Number.parseInt(c, 16)]).join('');
  return `${service}-${alnum(hash.slice(0, 9))}-${alnum(hash.slice(9, 14))}`;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class MeshMetrics {
  private readonly registry = new Registry();
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly durations: Histogram<(typeof LABELS)[number]>;
  readonly pod: string;

  constructor(
    private readonly service: string,
    private readonly namespace: string,
    private readonly cpuRequest: number,
  ) {
    this.pod = podName(service);
    this.requests = new Counter({
      name: 'istio_requests_total',
      help: 'Requests, as counted by the Istio sidecar on each side of a call',
      labelNames: LABELS,
      registers: [this.registry],
    });
    this.durations = new Histogram({
      name: 'istio_request_duration_milliseconds',
      help: 'Request durations, as measured by the Istio sidecar on each side of a call',
      labelNames: LABELS,
      buckets: ISTIO_DURATION_BUCKETS,
      registers: [this.registry],
    });
  }

  /** A request this service answered (the destination sidecar's view). */
  received(source: string, code: number, durationMs: number): void {
    this.record('destination', source, this.service, code, durationMs);
  }

  /** A request this service made (the source sidecar's view). */
  sent(destination: string, code: number, durationMs: number): void {
    this.record('source', this.service, destination, code, durationMs);
  }

  private record(reporter: string, source: string, destination: string, code: number, durationMs: number): void {
    const labels = {
      reporter,
      source_workload: source,
      source_workload_namespace: source === 'unknown' ? 'unknown' : this.namespace,
      destination_workload: destination,
      destination_workload_namespace: this.namespace,
      destination_service_name: destination,
      response_code: String(code),
      request_protocol: 'http',
    };
    this.requests.inc(labels);
    this.durations.observe(labels, durationMs);
  }

  /** The whole `/metrics` page. */
  async exposition(): Promise<string> {
    const cpu = process.cpuUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const ns = escapeLabel(this.namespace);
    const pod = escapeLabel(this.pod);
    const container = escapeLabel(this.service);
    const lines = [
      '# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.',
      '# TYPE container_cpu_usage_seconds_total counter',
      `container_cpu_usage_seconds_total{container="${container}",namespace="${ns}",pod="${pod}"} ${cpuSeconds}`,
      // The pod's cgroup holds every container of the pod: here the same process again.
      `container_cpu_usage_seconds_total{container="",namespace="${ns}",pod="${pod}"} ${cpuSeconds}`,
      '# HELP kube_deployment_status_replicas_available The number of available replicas per deployment.',
      '# TYPE kube_deployment_status_replicas_available gauge',
      `kube_deployment_status_replicas_available{namespace="${ns}",deployment="${container}"} 1`,
      '# HELP kube_pod_container_resource_requests The number of requested request resource by a container.',
      '# TYPE kube_pod_container_resource_requests gauge',
      `kube_pod_container_resource_requests{namespace="${ns}",pod="${pod}",container="${container}",resource="cpu",unit="core"} ${this.cpuRequest}`,
    ];
    return `${await this.registry.metrics()}\n${lines.join('\n')}\n`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

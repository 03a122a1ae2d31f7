/**
 * The default query set, for services in an Istio mesh with cAdvisor and kube-state-metrics.
 *
 * It fixes the two faults of the collector behind the kpp data (facts §4): requests are counted on
 * the destination side only (`reporter="destination"`; without it each call is counted by both
 * sidecars, about 2× the true rate), and CPU is the application container alone — not the
 * `istio-proxy` sidecar, nor the pod-level (`container=""`) and pause-container (`POD`) series that
 * cAdvisor also exports, each of which would add the same CPU again.
 */
import type { QuerySet } from './types.js';

const DESTINATION =
  'reporter="destination", destination_workload="{{service}}", destination_workload_namespace="{{namespace}}"';
/** Pods of a Deployment are named `<name>-<replicaset hash>-<suffix>`. */
const PODS = 'namespace="{{namespace}}", pod=~"{{service_regex}}-[a-z0-9]+-[a-z0-9]+"';
const APP_CONTAINERS = 'container!="", container!="POD", container!="istio-proxy"';

export const ISTIO_QUERY_SET: QuerySet = {
  name: 'istio',
  queries: {
    response_time: `sum(rate(istio_request_duration_milliseconds_sum{${DESTINATION}}[{{window}}])) / sum(rate(istio_request_duration_milliseconds_count{${DESTINATION}}[{{window}}])) / 1000`,
    response_time_p95: `histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${DESTINATION}}[{{window}}]))) / 1000`,
    throughput: `sum(rate(istio_requests_total{${DESTINATION}}[{{window}}]))`,
    cpu: `sum(rate(container_cpu_usage_seconds_total{${PODS}, ${APP_CONTAINERS}}[{{window}}]))`,
    replicas: 'sum(kube_deployment_status_replicas_available{namespace="{{namespace}}", deployment="{{service}}"})',
    cpu_request: `sum(kube_pod_container_resource_requests{${PODS}, resource="cpu", ${APP_CONTAINERS}})`,
  },
  discover: {
    selector: 'istio_requests_total{reporter="destination", destination_workload_namespace="{{namespace}}"}',
    label: 'destination_workload',
  },
};

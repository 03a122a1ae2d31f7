import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ENV_KEYS } from '../../../src/core/config/schema.js';
import {
  GENERATED_HEADER,
  type KubeObject,
  loadRuntimeSpec,
  planRuntime,
  planYaml,
  writePlan,
} from '../../../src/tune/runtime/index.js';
import { tempDir } from '../../helpers/services.js';
import { at, baseSpec, REPO, writeSpec } from './helpers/specs.js';

let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir('fleetcast-runtime-plan-');
});
afterAll(() => dir.remove());

const planOf = (spec: Record<string, unknown>) => planRuntime(loadRuntimeSpec(writeSpec(dir.path, spec), dir.path));
const example = () => planRuntime(loadRuntimeSpec(join(REPO, 'examples/runtime/fleetcast.yaml'), REPO));
const study = () => planRuntime(loadRuntimeSpec(join(REPO, 'examples/runtime/study.yaml'), REPO));

type Pod = {
  securityContext: Record<string, unknown>;
  automountServiceAccountToken: boolean;
  containers: Array<Record<string, unknown> & { name: string; args: string[]; env: Array<Record<string, unknown>> }>;
};

/** The pod spec of a Deployment, CronJob or Job. */
function podOf(object: KubeObject): Pod {
  return at<Pod>(object, object.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec');
}
const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name)!;

describe('runtime plan', () => {
  it('renders the objects in apply order', () => {
    expect(example().objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/fleetcast-settings',
      'Service/fleetcast-api',
      'Deployment/fleetcast-api',
      'Deployment/fleetcast-worker-general',
      'CronJob/fleetcast-nightly-cpu',
    ]);
    expect(study().objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/branin-settings',
      'Deployment/branin-worker-trials',
      'Job/branin-study',
    ]);
  });

  it('probes the API on /healthz (live) and /readyz (ready) behind a Service', () => {
    const objects = example().objects;
    const api = podOf(find(objects, 'Deployment', 'fleetcast-api')).containers[0]!;
    expect(api.args).toEqual(['serve', '--port', '8080', '--models', 'sentiment@prod,cpu-forecast@prod']);
    expect(api.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
    expect(api.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
    expect(api.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    const service = at(find(objects, 'Service', 'fleetcast-api'), 'spec');
    expect(service.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(service.selector).toEqual(at(find(objects, 'Deployment', 'fleetcast-api'), 'spec.selector.matchLabels'));
  });

  it('runs every pod as non-root with a read-only root and no service account token', () => {
    for (const object of [...example().objects, ...study().objects].filter(
      (o) => o.kind !== 'ConfigMap' && o.kind !== 'Service',
    )) {
      const pod = podOf(object);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        const resources = container.resources as { requests: Record<string, string>; limits: Record<string, string> };
        expect(Object.keys(resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(resources.limits).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });

  it('references secrets by key and never writes a secret value', () => {
    const objects = example().objects;
    const worker = podOf(find(objects, 'Deployment', 'fleetcast-worker-general')).containers[0]!;
    expect(worker.env).toEqual([
      {
        name: 'FLEETCAST_DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'fleetcast-stores', key: 'database-url' } },
      },
      {
        name: 'FLEETCAST_WAREHOUSE_URL',
        valueFrom: { secretKeyRef: { name: 'fleetcast-stores', key: 'warehouse-url' } },
      },
      { name: 'FLEETCAST_API_KEYS', valueFrom: { secretKeyRef: { name: 'fleetcast-api-keys', key: 'keys' } } },
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: 'fleetcast-s3', key: 'AWS_ACCESS_KEY_ID' } } },
      {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: 'fleetcast-s3', key: 'AWS_SECRET_ACCESS_KEY' } },
      },
    ]);
    expect(worker.envFrom).toEqual([{ configMapRef: { name: 'fleetcast-settings' } }]);
    expect(objects.some((object) => object.kind === 'Secret')).toBe(false);
  });

  it('puts only variables the configuration loader knows in the ConfigMap', () => {
    const data = find(example().objects, 'ConfigMap', 'fleetcast-settings').data as Record<string, string>;
    for (const key of Object.keys(data)) expect(ENV_KEYS[key], key).toBeDefined();
    expect(data).toMatchObject({
      FLEETCAST_PROFILE: 'production',
      FLEETCAST_HOME: '/var/lib/fleetcast',
      FLEETCAST_LOG_FORMAT: 'json',
      FLEETCAST_ARTIFACTS_URL: 's3://fleetcast-artifacts/models?region=eu-west-1',
      FLEETCAST_REDIS_URL: 'redis://redis.fleetcast.svc:6379',
    });
    expect(data.FLEETCAST_DATABASE_URL).toBeUndefined();
  });

  it('rolls the pods when a setting changes, through a digest on the pod template', () => {
    const hash = (plan: ReturnType<typeof planOf>) =>
      at(find(plan.objects, 'Deployment', 'demo-worker-general'), 'spec.template.metadata.annotations')[
        'fleetcast.dev/settings-sha256'
      ];
    const before = hash(planOf(baseSpec()));
    expect(hash(planOf(baseSpec()))).toBe(before);
    expect(hash(planOf({ ...baseSpec(), logLevel: 'debug' }))).not.toBe(before);
  });

  it('runs one worker container per queue, and none without Redis', () => {
    const withRedis = planOf({
      ...baseSpec(),
      redis: { url: 'redis://r:6379' },
      workers: [{ name: 'g', cpu: '1500m', queues: ['studies', 'batch'] }],
    });
    const containers = podOf(find(withRedis.objects, 'Deployment', 'demo-worker-g')).containers;
    expect(containers.map((c) => [c.name, c.args])).toEqual([
      ['worker-studies', ['worker', '--queue', 'studies', '--concurrency', '2']],
      ['worker-batch', ['worker', '--queue', 'batch', '--concurrency', '2']],
    ]);
    const withoutRedis = podOf(find(planOf(baseSpec()).objects, 'Deployment', 'demo-worker-general')).containers;
    expect(withoutRedis.map((c) => c.args)).toEqual([['worker', '--concurrency', '1']]);
  });

  it('turns schedules into CronJobs: inline predict options, or a stored schedule run once per firing', () => {
    const plan = planOf({
      ...baseSpec(),
      warehouse: { url: 'postgres://db/w' },
      schedules: [
        {
          name: 'nightly',
          cron: '0 2 * * *',
          timezone: 'Europe/Paris',
          predict: "--model cpu@prod --from 'SELECT * FROM m' --to out --batch-size 500",
        },
        { name: 'weekly', cron: '0 6 * * 1', schedule: 'weekly-report', suspend: true },
      ],
    });
    const nightly = find(plan.objects, 'CronJob', 'demo-nightly');
    expect(nightly.spec).toMatchObject({
      schedule: '0 2 * * *',
      timeZone: 'Europe/Paris',
      concurrencyPolicy: 'Forbid',
    });
    expect(at(nightly, 'spec.jobTemplate.spec').backoffLimit).toBe(3);
    expect(podOf(nightly)).toMatchObject({ restartPolicy: 'Never' });
    expect(podOf(find(plan.objects, 'CronJob', 'demo-nightly')).containers[0]!.args).toEqual([
      'predict',
      '--model',
      'cpu@prod',
      '--from',
      'SELECT * FROM m',
      '--to',
      'out',
      '--batch-size',
      '500',
      '--json',
    ]);
    const weekly = find(plan.objects, 'CronJob', 'demo-weekly');
    expect(at(weekly, 'spec').suspend).toBe(true);
    expect(at(weekly, 'spec.jobTemplate.spec').backoffLimit).toBe(0);
    expect(podOf(weekly).containers[0]!.args).toEqual(['schedule', 'run', 'weekly-report', '--json']);
  });

  it('runs a study as a Job of the coordinator, its spec file mounted from a ConfigMap', () => {
    writeFileSync(join(dir.path, 'calib.yaml'), 'targets: []\n');
    const plan = planOf({
      ...baseSpec(),
      redis: { url: 'redis://r:6379' },
      study: { name: 'seir-fit', command: 'calibrate', spec: 'calib.yaml', trials: 200 },
    });
    expect(find(plan.objects, 'ConfigMap', 'demo-study').data).toEqual({ 'calib.yaml': 'targets: []\n' });
    const job = find(plan.objects, 'Job', 'demo-study');
    const pod = podOf(job);
    expect(pod.containers[0]!.args).toEqual([
      'calibrate',
      '--spec',
      '/etc/fleetcast/study/calib.yaml',
      '--trials',
      '200',
      '--study',
      'seir-fit',
      '--distributed',
      '--workers',
      '0',
      '--queue',
      'fleetcast',
      '--json',
    ]);
    expect(pod.containers[0]!.volumeMounts).toContainEqual({
      name: 'study',
      mountPath: '/etc/fleetcast/study',
      readOnly: true,
    });
    expect((pod as unknown as { volumes: unknown[] }).volumes).toContainEqual({
      name: 'study',
      configMap: { name: 'demo-study' },
    });
  });

  it('labels every object with the runtime, and pod templates only with what selectors need', () => {
    const plan = planOf({ ...baseSpec(), metadata: { name: 'demo', labels: { team: 'capacity' } } });
    const worker = find(plan.objects, 'Deployment', 'demo-worker-general');
    expect(worker.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'demo',
      'app.kubernetes.io/component': 'worker',
      'app.kubernetes.io/managed-by': 'fleetcast',
      team: 'capacity',
    });
    expect(worker.metadata.namespace).toBe('default');
    const template = at<Record<string, string>>(worker, 'spec.template.metadata.labels');
    expect(template['app.kubernetes.io/version']).toBeUndefined();
    expect(template.team).toBe('capacity');
  });
});

describe('rendering a plan', () => {
  it('prints one YAML stream that parses back to the objects', () => {
    const plan = example();
    const text = planYaml(plan);
    expect(text.startsWith(GENERATED_HEADER)).toBe(true);
    const documents = parseAllDocuments(text).map((document) => document.toJS());
    expect(documents).toEqual(plan.objects);
    expect(text).not.toContain('&a'); // no YAML anchors: every manifest reads on its own
  });

  it('writes one numbered file per object and a kustomization, and removes files of dropped objects only', () => {
    const out = join(dir.path, 'out');
    const first = writePlan(planOf({ ...baseSpec(), workers: [{ name: 'a' }, { name: 'b' }] }), out);
    expect(first.written).toEqual([
      '01-configmap-demo-settings.yaml',
      '02-deployment-demo-worker-a.yaml',
      '03-deployment-demo-worker-b.yaml',
      'kustomization.yaml',
    ]);
    writeFileSync(join(out, 'notes.yaml'), 'mine: true\n');
    const second = writePlan(planOf({ ...baseSpec(), workers: [{ name: 'a' }] }), out);
    expect(second.removed).toEqual(['03-deployment-demo-worker-b.yaml']);
    expect(readdirSync(out).sort()).toEqual([
      '01-configmap-demo-settings.yaml',
      '02-deployment-demo-worker-a.yaml',
      'kustomization.yaml',
      'notes.yaml',
    ]);
    expect(readFileSync(join(out, 'kustomization.yaml'), 'utf8')).toContain('- 02-deployment-demo-worker-a.yaml');
  });
});

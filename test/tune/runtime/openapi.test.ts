import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkManifests, type KubeObject, loadRuntimeSpec, planRuntime } from '../../../src/tune/runtime/index.js';
import { at, FIXTURES, REPO } from './helpers/specs.js';

const examplePlan = () => planRuntime(loadRuntimeSpec(join(REPO, 'examples/runtime/fleetcast.yaml'), REPO));

/** The example's API Deployment, with one change made to a copy. */
function apiDeployment(change: (deployment: KubeObject) => void): KubeObject {
  const deployment = structuredClone(examplePlan().objects.find((o) => o.kind === 'Deployment')!);
  change(deployment);
  return deployment;
}

const CONTAINER = 'spec.template.spec.containers.0';

describe('manifests against the Kubernetes OpenAPI models', () => {
  it('finds nothing wrong in what the examples and fixtures render', async () => {
    const files = [
      ...readdirSync(join(REPO, 'examples/runtime')).map((file) => join(REPO, 'examples/runtime', file)),
      ...readdirSync(FIXTURES).map((file) => join(FIXTURES, file)),
    ];
    for (const file of files) {
      const runtime = loadRuntimeSpec(file, REPO);
      const hookObjects = runtime.spec.hooks.onStart.flatMap((hook) => (hook.apply ?? []) as KubeObject[]);
      const checked = await checkManifests([...planRuntime(runtime).objects, ...hookObjects]);
      expect(checked, file).toEqual({ issues: [], unchecked: [] });
    }
  });

  it.each([
    [
      'an unknown field (a typo the client would silently drop)',
      (d: KubeObject) => {
        const container = at(d, CONTAINER);
        container.livenessprobe = container.livenessProbe;
      },
      'spec.template.spec.containers[0].livenessprobe',
      'unknown field "livenessprobe" of V1Container',
    ],
    [
      'a string where an integer belongs',
      (d: KubeObject) => (at(d, 'spec').replicas = '2'),
      'spec.replicas',
      'expected a number, got "2"',
    ],
    [
      'a fraction where an integer belongs',
      (d: KubeObject) => (at(d, 'spec').replicas = 1.5),
      'spec.replicas',
      'expected an integer',
    ],
    [
      'a port beyond 32 bits',
      (d: KubeObject) => (at(d, `${CONTAINER}.ports.0`).containerPort = 2 ** 32),
      'spec.template.spec.containers[0].ports[0].containerPort',
      'a 32-bit integer',
    ],
    [
      'a missing required field',
      (d: KubeObject) => delete at(d, CONTAINER).name,
      'spec.template.spec.containers[0].name',
      'missing required field "name" of V1Container',
    ],
    [
      'a probe port that is neither integer nor string',
      (d: KubeObject) => (at(d, `${CONTAINER}.livenessProbe.httpGet`).port = true),
      'spec.template.spec.containers[0].livenessProbe.httpGet.port',
      'an integer or a string',
    ],
    [
      'a mapping where a list belongs',
      (d: KubeObject) => (at(d, CONTAINER).args = { a: 1 }),
      'spec.template.spec.containers[0].args',
      'expected a list',
    ],
    [
      'a selector the pod template does not carry',
      (d: KubeObject) => (at(d, 'spec.selector.matchLabels').tier = 'web'),
      'spec.selector.matchLabels.tier',
      'carry every selector label',
    ],
    [
      'a label value over 63 characters',
      (d: KubeObject) => (at(d, 'metadata.labels').note = 'x'.repeat(64)),
      'metadata.labels.note',
      'at most 63 characters',
    ],
  ])('reports %s with its path', async (_name, change, path, message) => {
    const checked = await checkManifests([apiDeployment(change)]);
    expect(checked.issues).toHaveLength(1);
    expect(checked.issues[0]).toMatchObject({ object: 'deployment.apps/fleetcast-api', path });
    expect(checked.issues[0]!.message).toContain(message);
  });

  it('checks any built-in kind, and leaves custom resources to the cluster', async () => {
    const checked = await checkManifests([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: 'ReadWriteOnce' },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'api' },
        spec: { rules: [{ host: 'fleetcast.example.com' }] },
      },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'fleetcast' }, spec: {} },
    ]);
    expect(checked.issues).toEqual([
      {
        object: 'persistentvolumeclaim/data',
        path: 'spec.accessModes',
        message: 'expected a list, got "ReadWriteOnce"',
      },
    ]);
    expect(checked.unchecked).toEqual(['servicemonitor.monitoring.coreos.com/fleetcast']);
  });

  it('applies the API server naming rules', async () => {
    const checked = await checkManifests([
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Fleetcast_API' }, spec: {} },
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'x'.repeat(53) },
        spec: { schedule: '* * * * *', jobTemplate: {} },
      },
    ]);
    expect(checked.issues.map((issue) => `${issue.object} ${issue.path}: ${issue.message.split(',')[0]}`)).toEqual([
      'service/Fleetcast_API metadata.name: expected a DNS label of at most 63 characters',
      `cronjob.batch/${'x'.repeat(53)} metadata.name: expected a DNS subdomain of at most 52 characters`,
    ]);
  });
});

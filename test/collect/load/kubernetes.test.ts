import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Deployment, V1DeploymentStatus } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openExperiment } from '../../../src/collect/experiment/open.js';
import { runExperiment } from '../../../src/collect/experiment/runner.js';
import { parseExperiment } from '../../../src/collect/experiment/spec.js';
import { connectKube } from '../../../src/collect/load/kube-config.js';
import { KubernetesLoadController } from '../../../src/collect/load/kubernetes.js';
import { rolloutState } from '../../../src/collect/load/rollout.js';
import { freePort } from '../../../src/collect/prometheus/server.js';
import { tempDir } from '../../helpers/services.js';
import { type Exchange, loadRecording, type ReplayServer, replayKubernetesApi } from './kube-replay.js';

let api: ReplayServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** A kubeconfig for the replayed API server, read the way a real one is. */
function kubeconfigFor(url: string, dir: string): string {
  const file = join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: replay',
      'clusters:',
      // Plain HTTP on loopback: @kubernetes/client-node accepts it only with TLS verification off.
      `- name: replay\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true`,
      'contexts:',
      '- name: replay\n  context:\n    cluster: replay\n    user: fleetcast',
      'users:',
      '- name: fleetcast\n  user:\n    token: recorded-token',
    ].join('\n'),
  );
  return file;
}

async function controllerFor(
  exchanges: Exchange[],
  options: { deployment?: string; env?: Record<string, string>; rolloutTimeoutMs?: number } = {},
) {
  api = await replayKubernetesApi(exchanges);
  const dir = tempDir();
  const kube = await connectKube({ path: kubeconfigFor(api.url, dir.path) });
  dir.remove();
  return new KubernetesLoadController({
    kube,
    namespace: 'default',
    servicesNamespace: 'default',
    deployment: options.deployment ?? 'loadgenerator',
    container: 'main',
    usersEnv: 'USERS',
    env: options.env ?? {},
    rolloutTimeoutMs: options.rolloutTimeoutMs ?? 5_000,
    pollMs: 20,
  });
}

describe('Kubernetes load controller (recorded Kubernetes API)', () => {
  it('patches the load generator’s env and a service’s replicas, waits for both rollouts, then restores them', async () => {
    const controller = await controllerFor(loadRecording('level-and-restore'), { env: { RATE: '{{users}}' } });
    await controller.prepare();
    await controller.apply({ users: 60, replicas: { frontend: 2 } }, 10_000);
    await controller.restore();
    expect(api!.unexpected).toEqual([]);
    expect(api!.remaining()).toBe(0);
    const patches = api!.received.filter((r) => r.method === 'PATCH');
    expect(patches.map((p) => p.contentType)).toEqual(Array(4).fill('application/strategic-merge-patch+json'));
    expect(patches.at(-2)!.body).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'main',
                env: [
                  { name: 'USERS', value: '10' },
                  { name: 'RATE', value: '1' },
                ],
              },
            ],
          },
        },
      },
    });
    expect(api!.received.every((r) => r.authorization === 'Bearer recorded-token')).toBe(true);
    // Restoring twice changes nothing more.
    const before = api!.received.length;
    await controller.restore();
    expect(api!.received.length).toBe(before);
  });

  it('names a Deployment that does not exist', async () => {
    const controller = await controllerFor(loadRecording('missing-deployment'), { deployment: 'loadgen' });
    await expect(controller.prepare()).rejects.toMatchObject({
      code: 'FLEETCAST_NOT_FOUND',
      message: 'Deployment default/loadgen does not exist (read the load generator)',
    });
  });

  it('gives up on a rollout that never completes, then restores the env as it was (an absent variable is deleted)', async () => {
    const controller = await controllerFor(loadRecording('never-ready'), { rolloutTimeoutMs: 300 });
    await controller.prepare();
    await expect(controller.apply({ users: 300 }, 10_000)).rejects.toMatchObject({
      code: 'FLEETCAST_BACKEND_ERROR',
      message: 'Deployment default/loadgenerator never became ready: 1 old replicas still terminating',
    });
    await controller.restore();
    expect(api!.unexpected).toEqual([]);
    expect(api!.remaining()).toBe(0);
  });

  it('stops at once when the rollout exceeds its progress deadline', async () => {
    const controller = await controllerFor(loadRecording('progress-deadline'));
    await controller.prepare();
    await expect(controller.apply({ users: 700 }, 10_000)).rejects.toThrow(
      'Deployment default/loadgenerator failed its rollout: ReplicaSet "loadgenerator-5f6d4c8b7" has timed out progressing.',
    );
    await controller.restore();
    expect(api!.unexpected).toEqual([]);
  });

  it('takes its token from a kubeconfig exec credential plugin, as EKS and GKE configure it', async () => {
    api = await replayKubernetesApi(loadRecording('missing-deployment'));
    const dir = tempDir();
    const file = join(dir.path, 'config');
    const credential = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-plugin' },
    });
    writeFileSync(
      file,
      stringify({
        'current-context': 'c',
        clusters: [{ name: 'k', cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
        contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
        users: [
          {
            name: 'u',
            user: { exec: { command: process.execPath, args: ['-e', `console.log(${JSON.stringify(credential)})`] } },
          },
        ],
      }),
    );
    const kube = await connectKube({ path: file });
    dir.remove();
    const controller = new KubernetesLoadController({
      kube,
      namespace: 'default',
      servicesNamespace: 'default',
      deployment: 'loadgen',
      usersEnv: 'USERS',
      rolloutTimeoutMs: 1000,
    });
    await expect(controller.prepare()).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
    expect(api.received[0]!.authorization).toBe('Bearer from-plugin');
  });

  it('reports an API server that does not answer, and a kubeconfig without the context asked for', async () => {
    const dir = tempDir();
    const file = kubeconfigFor('http://127.0.0.1:1', dir.path);
    await expect(connectKube({ path: file, context: 'prod' })).rejects.toThrow(/no context "prod"/);
    const controller = new KubernetesLoadController({
      kube: await connectKube({ path: file }),
      namespace: 'default',
      servicesNamespace: 'default',
      deployment: 'loadgenerator',
      usersEnv: 'USERS',
      rolloutTimeoutMs: 1000,
    });
    await expect(controller.prepare()).rejects.toMatchObject({ code: 'FLEETCAST_BACKEND_UNREACHABLE' });
    await expect(connectKube({ path: join(dir.path, 'nope') })).rejects.toThrow(/does not exist/);
    dir.remove();
  });

  it('makes the runner skip a level whose rollout never completes, and restore the cluster', async () => {
    api = await replayKubernetesApi(loadRecording('never-ready'));
    const dir = tempDir();
    const experiment = parseExperiment(
      {
        scrape: { targets: [`http://127.0.0.1:${await freePort()}/metrics`] },
        services: { include: ['frontend'] },
        levels: [{ users: 300 }],
        warm_up: '1s',
        window: '1s',
        on_error: 'skip_level',
        controller: {
          kind: 'kubernetes',
          kubeconfig: kubeconfigFor(api.url, dir.path),
          rollout_timeout: '300ms',
          poll: '20ms',
        },
        output: { csv: join(dir.path, 'out.csv') },
      },
      'test',
    );
    const opened = await openExperiment(experiment, { baseDir: dir.path, env: {} });
    try {
      const summary = await runExperiment({
        experiment,
        source: opened.source,
        controller: opened.controller,
        sinks: opened.sinks,
      });
      expect(summary.levels_skipped).toEqual([
        {
          users: 300,
          level: 'users=300',
          reason: 'Deployment default/loadgenerator never became ready: 1 old replicas still terminating',
        },
      ]);
      expect(summary.rows).toBe(0);
    } finally {
      await opened.close();
      dir.remove();
    }
    expect(api.unexpected).toEqual([]);
    expect(api.remaining()).toBe(0);
  });

  it('judges rollouts as kubectl rollout status does', () => {
    const deployment = (generation: number, status: V1DeploymentStatus): V1Deployment => ({
      metadata: { generation },
      spec: { replicas: 2, selector: {}, template: {} },
      status,
    });
    expect(rolloutState(deployment(2, { observedGeneration: 1 }))).toMatchObject({
      done: false,
      reason: expect.stringContaining('new spec'),
    });
    expect(rolloutState(deployment(2, { observedGeneration: 2, updatedReplicas: 1 }))).toMatchObject({
      reason: '1 of 2 replicas updated',
    });
    expect(
      rolloutState(deployment(2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 })),
    ).toMatchObject({
      reason: '1 of 2 updated replicas available',
    });
    expect(
      rolloutState(deployment(2, { observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 })),
    ).toEqual({ done: true });
  });
});

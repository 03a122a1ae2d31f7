import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isFleetcastError } from '../../../src/core/errors.js';
import {
  type ApplyOptions,
  type ApplyReport,
  applyRuntime,
  loadRuntimeSpec,
  planRuntime,
} from '../../../src/tune/runtime/index.js';
import { tempDir } from '../../helpers/services.js';
import {
  type KubeApiServer,
  loadCassette,
  type RecordedExchange,
  startRecordedApi,
  startRecordingProxy,
} from './helpers/recorded-kube-api.js';
import { baseSpec, FIXTURES, writeSpec } from './helpers/specs.js';

let dir: { path: string; remove: () => void };
let api: KubeApiServer | undefined;
beforeAll(() => {
  dir = tempDir('fleetcast-runtime-apply-');
});
afterEach(async () => {
  await api?.close();
  api = undefined;
});
afterAll(() => dir.remove());

const mark = () => join(dir.path, 'hook-mark');

async function apply(
  fixture: string,
  server: KubeApiServer,
  options: Partial<ApplyOptions> = {},
): Promise<{ report: ApplyReport; lines: string[] }> {
  const runtime = loadRuntimeSpec(fixture.includes('/') ? fixture : join(FIXTURES, fixture), dir.path);
  const lines: string[] = [];
  const report = await applyRuntime(runtime, planRuntime(runtime), {
    env: { ...process.env, HOOK_MARK: mark() },
    kubeconfig: server.writeKubeconfig(dir.path),
    dryRun: false,
    wait: false,
    waitTimeoutMs: 10_000,
    pollIntervalMs: 5,
    output: new PassThrough(),
    onOutcome: (outcome) => lines.push(`${outcome.object} ${outcome.action}`),
    ...options,
  });
  return { report, lines };
}

function expectAllExchanged(server: KubeApiServer): void {
  expect(server.unexpected).toEqual([]);
  expect(server.pending()).toEqual([]);
}

describe('runtime apply (recorded Kubernetes API)', () => {
  it('creates every object on an empty namespace, waits for the study and runs the hooks around it', async () => {
    api = await startRecordedApi('fresh-apply');
    const { report, lines } = await apply('recorded.yaml', api, { wait: true });
    expectAllExchanged(api);
    expect(lines).toEqual([
      'configmap/demo-run created',
      'configmap/demo-settings created',
      'service/demo-api created',
      'deployment.apps/demo-api created',
      'deployment.apps/demo-worker-general created',
      'cronjob.batch/demo-nightly created',
      'job.batch/demo-study created',
      'configmap/demo-run deleted',
    ]);
    expect(report.study).toEqual({ job: 'demo-study', status: 'succeeded' });
    expect(report.hooks.map((hook) => `${hook.phase}/${hook.name} ${hook.status}`)).toEqual([
      'onStart/mark-start ran',
      'onStart/run-notes ran',
      'onFinish/mark-finish ran',
      'onFinish/drop-notes ran',
    ]);
    // The onStart command ran before anything was applied, onFinish after the Job completed.
    expect(readFileSync(mark(), 'utf8')).toBe('demo fleetcast succeeded');
    expect(report).toMatchObject({ context: 'recorded', namespace: 'fleetcast', dryRun: false });
  });

  it('sends server-side apply with field manager fleetcast, forced, as application/apply-patch+yaml', async () => {
    api = await startRecordedApi('fresh-apply');
    await apply('recorded.yaml', api, { wait: true });
    const patches = api.received.filter((request) => request.method === 'PATCH');
    expect(patches).toHaveLength(7);
    for (const request of patches) {
      expect(request.query).toEqual({ fieldManager: 'fleetcast', force: 'true' });
      expect(request.contentType).toBe('application/apply-patch+yaml');
    }
  });

  it('reports configured for the changed Deployment and unchanged for the rest on a re-apply', async () => {
    api = await startRecordedApi('scaled-reapply');
    const { report, lines } = await apply('recorded-scaled.yaml', api);
    expectAllExchanged(api);
    expect(lines).toEqual([
      'configmap/demo-run created',
      'configmap/demo-settings unchanged',
      'service/demo-api unchanged',
      'deployment.apps/demo-api unchanged',
      'deployment.apps/demo-worker-general configured',
      'cronjob.batch/demo-nightly unchanged',
      'job.batch/demo-study unchanged',
    ]);
    // Without --wait the study runs on: onFinish cannot run yet.
    expect(report.study).toEqual({ job: 'demo-study', status: 'not awaited' });
    expect(report.hooks.filter((hook) => hook.phase === 'onFinish').map((hook) => hook.status)).toEqual([
      'skipped',
      'skipped',
    ]);
  });

  it('asks the server for a dry run of every object and runs no hook command', async () => {
    api = await startRecordedApi('dry-run');
    const before = existsSync(mark()) ? readFileSync(mark(), 'utf8') : undefined;
    const { report, lines } = await apply('recorded.yaml', api, { dryRun: true, wait: true });
    expectAllExchanged(api);
    expect(lines.every((line) => line.endsWith(' created'))).toBe(true);
    for (const request of api.received.filter((r) => r.method === 'PATCH')) expect(request.query.dryRun).toBe('All');
    expect(report.hooks.find((hook) => hook.name === 'mark-start')).toMatchObject({
      status: 'skipped',
      detail: 'dry run',
    });
    expect(existsSync(mark()) ? readFileSync(mark(), 'utf8') : undefined).toBe(before);
    expect(report.dryRun).toBe(true);
  });

  it('stops at a Forbidden answer with the API server’s message', async () => {
    api = await startRecordedApi('forbidden');
    const error = await apply('minimal.yaml', api).catch((e: unknown) => e);
    expectAllExchanged(api);
    expect(isFleetcastError(error, 'FLEETCAST_BACKEND_AUTH')).toBe(true);
    expect((error as Error).message).toBe(
      'the Kubernetes API refused to apply deployment.apps/demo-worker-general (HTTP 403): deployments.apps "demo-worker-general" is forbidden: User "system:serviceaccount:ci:deployer" cannot patch resource "deployments" in API group "apps" in the namespace "fleetcast"',
    );
  });

  it('says to create the namespace when it does not exist', async () => {
    api = await startRecordedApi('namespace-missing');
    const error = await apply('minimal.yaml', api).catch((e: unknown) => e);
    expectAllExchanged(api);
    expect(isFleetcastError(error, 'FLEETCAST_BACKEND_ERROR')).toBe(true);
    expect((error as { hint?: string }).hint).toContain('kubectl create namespace fleetcast');
  });

  it('explains that a study Job cannot change and how to restart it', async () => {
    api = await startRecordedApi('job-immutable');
    const error = await apply('recorded.yaml', api).catch((e: unknown) => e);
    expectAllExchanged(api);
    expect((error as Error).message).toContain('(HTTP 422)');
    expect((error as { hint?: string }).hint).toContain('kubectl -n fleetcast delete job demo-study');
  });

  it('applies nothing when an onStart hook fails', async () => {
    api = await startRecordedApi([]);
    const spec = {
      ...baseSpec(),
      hooks: { onStart: [{ name: 'refuse', command: 'echo no bucket >&2; exit 3' }] },
    };
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    const error = await apply(writeSpec(dir.path, spec), api, { output }).catch((e: unknown) => e);
    expect(isFleetcastError(error, 'FLEETCAST_TASK_FAILED')).toBe(true);
    expect((error as Error).message).toBe('onStart hook "refuse" failed: exit code 3');
    expect(Buffer.concat(chunks).toString()).toContain('no bucket');
    expect(api.received).toEqual([]);
  });

  it('gives up waiting for a study Job after --wait-timeout', async () => {
    const fresh = loadCassette('fresh-apply').exchanges;
    const running = fresh.find(
      (e) => e.request.method === 'GET' && (e.response.body as { status?: { active?: number } }).status?.active === 1,
    )!;
    const untilJob = fresh.slice(0, fresh.indexOf(running));
    api = await startRecordedApi([...untilJob, ...Array.from({ length: 200 }, () => running)]);
    const error = await apply('recorded.yaml', api, { wait: true, waitTimeoutMs: 50, pollIntervalMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(api.unexpected).toEqual([]);
    expect((error as Error).message).toBe('job demo-study did not finish within 0.05 s (--wait-timeout)');
    expect((error as { hint?: string }).hint).toContain('logs job/demo-study');
  });

  it('says the API does not answer when nothing listens', async () => {
    api = await startRecordedApi([]);
    const kubeconfig = api.writeKubeconfig(dir.path);
    await api.close();
    const error = await apply('minimal.yaml', api, { kubeconfig }).catch((e: unknown) => e);
    api = undefined;
    expect(isFleetcastError(error, 'FLEETCAST_BACKEND_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toMatch(/does not answer: ECONNREFUSED/);
  });

  it('refuses a context the kubeconfig does not have, naming those it has', async () => {
    api = await startRecordedApi([]);
    const error = await apply('minimal.yaml', api, { context: 'prod' }).catch((e: unknown) => e);
    expect(isFleetcastError(error, 'FLEETCAST_USAGE')).toBe(true);
    expect((error as { hint?: string }).hint).toBe('contexts: recorded');
  });

  it('records through a proxy exactly what it replays (how the cassettes are re-recorded)', async () => {
    api = await startRecordedApi('scaled-reapply');
    const proxy = await startRecordingProxy(api.url);
    try {
      await apply('recorded-scaled.yaml', proxy);
      const discovery = new Set(loadCassette('discovery').exchanges.map((e) => e.request.path));
      const recorded = proxy.exchanges.filter((e) => !discovery.has(e.request.path));
      const strip = (e: RecordedExchange) => ({ request: e.request, status: e.response.status, body: e.response.body });
      expect(recorded.map(strip)).toEqual(loadCassette('scaled-reapply').exchanges.map(strip));
    } finally {
      await proxy.close();
    }
  });
});

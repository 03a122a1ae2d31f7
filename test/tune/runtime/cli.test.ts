import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runBinary, runInProcess } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/services.js';
import { startRecordedApi } from './helpers/recorded-kube-api.js';
import { baseSpec, FIXTURES, REPO, writeSpec } from './helpers/specs.js';

// These run the built binary (`npm run build` first, as `npm test` does).
let dir: { path: string; remove: () => void };
beforeAll(() => {
  dir = tempDir('fleetcast-runtime-cli-');
});
afterAll(() => dir.remove());

const EXAMPLE = join(REPO, 'examples/runtime/fleetcast.yaml');
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runBinary(args, { cwd: dir.path, env });

describe('fleetcast runtime validate', () => {
  it('accepts the example and lists the objects it renders', async () => {
    const text = await run(['runtime', 'validate', EXAMPLE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('valid runtime fleetcast (namespace fleetcast): 5 objects');
    const json = await run(['runtime', 'validate', EXAMPLE, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      name: 'fleetcast',
      namespace: 'fleetcast',
      objects: [
        { kind: 'ConfigMap', name: 'fleetcast-settings' },
        { kind: 'Service', name: 'fleetcast-api' },
        { kind: 'Deployment', name: 'fleetcast-api' },
        { kind: 'Deployment', name: 'fleetcast-worker-general' },
        { kind: 'CronJob', name: 'fleetcast-nightly-cpu' },
      ],
      warnings: [],
    });
  });

  it('refuses a bad spec with exit 1, one error line naming the path, and the issues as JSON', async () => {
    const spec = baseSpec();
    spec.workers = [{ name: 'a' }, { name: 'b', cpu: 'two' }];
    const file = writeSpec(dir.path, spec, 'bad.yaml');
    const result = await run(['runtime', 'validate', file, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: false,
      issues: [{ path: 'workers[1].cpu', message: 'expected a CPU quantity such as 500m, 0.5 or 2 (got "two")' }],
    });
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(
      /^fleetcast: .*bad\.yaml is not a valid runtime spec \(1 problem\): line \d+: workers\[1\]\.cpu: /,
    );
    expect(lines[1]).toMatch(/^ {2}hint: /);
  });
});

describe('fleetcast runtime plan', () => {
  it('prints the manifests as one YAML stream', async () => {
    const result = await run(['runtime', 'plan', EXAMPLE]);
    expect(result.code).toBe(0);
    const kinds = parseAllDocuments(result.stdout).map((document) => (document.toJS() as { kind: string }).kind);
    expect(kinds).toEqual(['ConfigMap', 'Service', 'Deployment', 'Deployment', 'CronJob']);
  });

  it('writes files with --out and says how to apply them', async () => {
    const result = await run(['runtime', 'plan', EXAMPLE, '--out', 'k8s']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('wrote 6 files to k8s (apply with kubectl apply -k k8s)');
    expect(readdirSync(join(dir.path, 'k8s'))).toHaveLength(6);
  });
});

describe('fleetcast runtime apply', () => {
  it('applies to the recorded Kubernetes API, runs the hooks and prints the report as JSON (recorded Kubernetes API)', async () => {
    const api = await startRecordedApi('fresh-apply');
    try {
      const kubeconfig = api.writeKubeconfig(dir.path);
      const result = await run(['runtime', 'apply', join(FIXTURES, 'recorded.yaml'), '--wait', '--json'], {
        KUBECONFIG: kubeconfig,
        HOOK_MARK: join(dir.path, 'mark'),
      });
      expect(result.stderr).not.toContain('fleetcast:');
      expect(result.code).toBe(0);
      expect(api.unexpected).toEqual([]);
      const report = JSON.parse(result.stdout) as { objects: Array<{ action: string }>; study: unknown };
      expect(report.objects.map((object) => object.action)).toEqual(Array(6).fill('created'));
      expect(report.study).toEqual({ job: 'demo-study', status: 'succeeded' });
      // Progress goes to stderr when stdout carries the JSON.
      expect(result.stderr).toContain('deployment.apps/demo-api created\n');
      expect(result.stderr).toContain('hook onFinish/drop-notes (delete): ran\n');
      expect(readFileSync(join(dir.path, 'mark'), 'utf8')).toBe('demo fleetcast succeeded');
    } finally {
      await api.close();
    }
  });

  it('prints kubectl-style lines for a server dry run (recorded Kubernetes API)', async () => {
    const api = await startRecordedApi('dry-run');
    try {
      const result = await run(['runtime', 'apply', join(FIXTURES, 'recorded.yaml'), '--dry-run=server'], {
        KUBECONFIG: api.writeKubeconfig(dir.path),
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('deployment.apps/demo-worker-general created (server dry run)\n');
      expect(result.stdout).toContain('hook onStart/mark-start (command): skipped (dry run)\n');
      expect(result.stdout.trim().split('\n').at(-1)).toBe(
        'server dry run of 6 objects to namespace fleetcast (context recorded): 6 created; study job demo-study: not awaited',
      );
    } finally {
      await api.close();
    }
  });

  it('refuses a dry-run mode other than server', async () => {
    const result = await run(['runtime', 'apply', EXAMPLE, '--dry-run=client']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--dry-run=client is not a mode');
  });
});

describe('fleetcast runtime in process', () => {
  const inProcess = (args: string[], env: NodeJS.ProcessEnv = {}) => runInProcess(args, { cwd: dir.path, env });

  it('plans as JSON: the manifests themselves', async () => {
    const result = await inProcess(['runtime', 'plan', EXAMPLE, '--json']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as { name: string; objects: Array<{ kind: string }> };
    expect(plan.name).toBe('fleetcast');
    expect(plan.objects.map((object) => object.kind)).toEqual([
      'ConfigMap',
      'Service',
      'Deployment',
      'Deployment',
      'CronJob',
    ]);
  });

  it('warns on stderr and still plans when a spec deserves a warning', async () => {
    const spec = baseSpec();
    spec.serve = { replicas: 1 };
    const result = await inProcess(['runtime', 'validate', writeSpec(dir.path, spec, 'one-api.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('fleetcast: warning: serve.replicas: 1 drops requests');
  });

  it('refuses a spec whose hook manifest the OpenAPI models reject, naming the field', async () => {
    const spec = baseSpec();
    spec.hooks = {
      onStart: [
        {
          name: 'pvc',
          apply: [
            {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              metadata: { name: 'data' },
              spec: { acessModes: ['ReadWriteOnce'] },
            },
          ],
        },
      ],
    };
    const file = writeSpec(dir.path, spec, 'typo.yaml');
    const validate = await inProcess(['runtime', 'validate', file, '--json']);
    expect(validate.code).toBe(1);
    expect(JSON.parse(validate.stdout).issues).toEqual([
      {
        path: 'persistentvolumeclaim/data spec.acessModes',
        message: 'unknown field "acessModes" of V1PersistentVolumeClaimSpec',
      },
    ]);
    const plan = await inProcess(['runtime', 'plan', file]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('(1 problem): persistentvolumeclaim/data spec.acessModes: unknown field');
  });

  it('says when no kubeconfig can be found', async () => {
    const result = await inProcess(['runtime', 'apply', EXAMPLE], { HOME: dir.path });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no kubeconfig: no --kubeconfig, no KUBECONFIG and no ~/.kube/config');
  });
});

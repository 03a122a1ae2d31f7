/**
 * `fleetcast runtime apply`: puts a planned runtime on the cluster.
 *
 *   1. every manifest (the plan's and the hooks') is checked against the OpenAPI models;
 *   2. onStart hooks run, in order — a failure stops here, nothing of the runtime applied;
 *   3. the plan's objects are server-side applied in plan order, each reported as
 *      created / configured / unchanged;
 *   4. with --wait and a study, the study's Job is awaited;
 *   5. onFinish hooks run — after the study's Job finished when there is a study (so only with
 *      --wait; without it they are reported skipped), right after step 3 when there is none.
 *
 * With a server dry run (`--dry-run=server`) the API server validates and defaults every object
 * without storing it, hook commands are not run, and there is nothing to wait for.
 */
import { dirname } from 'node:path';
import { FleetcastError } from '../../../core/errors.js';
import { Cluster, type ClusterOptions, type ObjectOutcome } from '../kubernetes/cluster.js';
import { checkManifests } from '../kubernetes/openapi.js';
import type { KubeObject } from '../plan/names.js';
import type { RuntimePlan } from '../plan/plan.js';
import type { LoadedRuntime } from '../spec/load.js';
import { hookManifests } from '../validate.js';
import { type HookOutcome, hookType, runHooks } from './hooks.js';
import { type JobResult, waitForJob } from './wait.js';

export interface ApplyOptions extends ClusterOptions {
  dryRun: boolean;
  wait: boolean;
  waitTimeoutMs: number;
  pollIntervalMs?: number;
  /** Hook command output and progress lines. */
  output: NodeJS.WritableStream;
  onOutcome?: (outcome: ObjectOutcome) => void;
  onHook?: (hook: HookOutcome) => void;
}

export interface ApplyReport {
  context: string;
  server: string;
  namespace: string;
  dryRun: boolean;
  objects: ObjectOutcome[];
  hooks: HookOutcome[];
  study?: { job: string; status: JobResult | 'not awaited' };
}

export async function applyRuntime(
  runtime: LoadedRuntime,
  plan: RuntimePlan,
  options: ApplyOptions,
): Promise<ApplyReport> {
  const { spec } = runtime;
  await assertManifestsValid(runtime, plan);
  const cluster = await Cluster.connect(options);
  const report: ApplyReport = {
    context: cluster.context,
    server: cluster.server,
    namespace: spec.metadata.namespace,
    dryRun: options.dryRun,
    objects: [],
    hooks: [],
  };
  const hookContext = {
    cluster,
    namespace: spec.metadata.namespace,
    dryRun: options.dryRun,
    cwd: dirname(runtime.file),
    env: options.env,
    hookEnv: {
      RUNTIME_NAME: spec.metadata.name,
      RUNTIME_NAMESPACE: spec.metadata.namespace,
      RUNTIME_KUBE_CONTEXT: cluster.context,
    },
    output: options.output,
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  };
  const record = (hooks: HookOutcome[]) => {
    for (const hook of hooks) {
      report.hooks.push(hook);
      options.onHook?.(hook);
    }
  };

  for (const hook of spec.hooks.onStart) record(await runHooks('onStart', [hook], hookContext));

  for (const object of plan.objects) {
    const outcome = await cluster.apply(object, options.dryRun);
    report.objects.push(outcome);
    options.onOutcome?.(outcome);
  }

  let finishEnv: Record<string, string> = {};
  if (spec.study) {
    const job = plan.objects.find((object) => object.kind === 'Job') as KubeObject;
    if (options.wait && !options.dryRun) {
      const status = await waitForJob(
        cluster,
        { apiVersion: job.apiVersion, kind: job.kind, name: job.metadata.name, namespace: spec.metadata.namespace },
        { timeoutMs: options.waitTimeoutMs, pollIntervalMs: options.pollIntervalMs ?? 2000 },
      );
      report.study = { job: job.metadata.name, status };
      finishEnv = { RUNTIME_STUDY_STATUS: status };
    } else {
      report.study = { job: job.metadata.name, status: 'not awaited' };
      const reason = options.dryRun
        ? 'dry run: the study does not run'
        : 'the study runs on; apply with --wait to run onFinish after it';
      record(
        spec.hooks.onFinish.map((hook) => ({
          phase: 'onFinish',
          name: hook.name,
          type: hookType(hook),
          status: 'skipped',
          detail: reason,
        })),
      );
      return report;
    }
  }
  const finishContext = { ...hookContext, hookEnv: { ...hookContext.hookEnv, ...finishEnv } };
  for (const hook of spec.hooks.onFinish) record(await runHooks('onFinish', [hook], finishContext));
  return report;
}

/** The plan and the hooks' objects, checked before anything is sent or run. */
async function assertManifestsValid(runtime: LoadedRuntime, plan: RuntimePlan): Promise<void> {
  const checked = await checkManifests([...plan.objects, ...hookManifests(runtime.spec)]);
  if (checked.issues.length > 0) throw manifestError(checked.issues);
}

export function manifestError(issues: Array<{ object: string; path: string; message: string }>): FleetcastError {
  const shown = issues.map((issue) => `${issue.object} ${issue.path}: ${issue.message}`);
  return new FleetcastError(
    'FLEETCAST_CONFIG_INVALID',
    `${issues.length} manifest problem${issues.length === 1 ? '' : 's'} against the Kubernetes OpenAPI schema: ${shown.join('; ')}`,
    {
      hint: 'a hook manifest is sent as written: fix the field named above (kubectl explain KIND.FIELD describes it)',
      details: { issues },
    },
  );
}

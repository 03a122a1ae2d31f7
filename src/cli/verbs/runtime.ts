import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { FleetcastError } from '../../core/errors.js';
import {
  type ApplyReport,
  applyRuntime,
  displayName,
  type LoadedRuntime,
  planYaml,
  type RuntimePlan,
  specError,
  validateRuntime,
  writePlan,
} from '../../tune/index.js';
import type { CliContext } from '../context.js';
import { parseDuration } from './schedule.js';

interface ApplyFlags {
  kubeconfig?: string;
  context?: string;
  dryRun?: string;
  wait?: boolean;
  waitTimeout: string;
  json?: boolean;
}

/** `fleetcast runtime validate|plan|apply FILE`: parse, call src/tune/runtime, print. */
export function registerRuntime(program: Command, context: CliContext): void {
  const runtime = program
    .command('runtime')
    .description('validate a runtime spec, render its Kubernetes manifests, apply them to a cluster');

  runtime
    .command('validate')
    .description('check a runtime spec and the manifests it renders (no cluster needed)')
    .argument('<file>', 'runtime spec (apiVersion: fleetcast/v1, kind: Runtime)')
    .option('--json', 'print one JSON document')
    .action(async (file: string, options: { json?: boolean }) => {
      const validation = await validateRuntime(file, context.io.cwd);
      if (!validation.valid) {
        if (options.json)
          context.print(true, { valid: false, file: validation.file, issues: validation.issues }, () => '');
        throw specError(validation.file, validation.issues);
      }
      const { runtime, plan } = validation;
      warn(context, plan.warnings);
      const objects = plan.objects.map((object) => ({ kind: object.kind, name: object.metadata.name }));
      context.print(
        options.json,
        {
          valid: true,
          file: runtime.file,
          name: plan.name,
          namespace: plan.namespace,
          objects,
          warnings: plan.warnings,
        },
        () =>
          `${file}: valid runtime ${plan.name} (namespace ${plan.namespace}): ${objects.length} objects — ${plan.objects.map(displayName).join(', ')}`,
      );
    });

  runtime
    .command('plan')
    .description('render the Kubernetes manifests of a runtime spec (YAML on stdout, or files with --out)')
    .argument('<file>', 'runtime spec')
    .option('--out <dir>', 'write one file per object plus a kustomization.yaml into DIR')
    .option('--json', 'print one JSON document (the manifests, or the files written)')
    .action(async (file: string, options: { out?: string; json?: boolean }) => {
      const { plan } = await validPlan(file, context);
      warn(context, plan.warnings);
      if (options.out === undefined) {
        if (options.json)
          context.print(true, { name: plan.name, namespace: plan.namespace, objects: plan.objects }, () => '');
        else context.io.stdout.write(planYaml(plan));
        return;
      }
      const dir = resolve(context.io.cwd, options.out);
      const written = writePlan(plan, dir);
      context.print(options.json, written, () => {
        const near = relative(context.io.cwd, dir);
        const shown = near === '' ? '.' : near.startsWith('..') ? dir : near;
        const removed = written.removed.length > 0 ? `; removed ${written.removed.join(', ')}` : '';
        return `wrote ${written.written.length} files to ${shown} (apply with kubectl apply -k ${shown})${removed}`;
      });
    });

  runtime
    .command('apply')
    .description('server-side apply a runtime to the cluster, running its onStart and onFinish hooks')
    .argument('<file>', 'runtime spec')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--dry-run <mode>', '"server": the API server checks and defaults every object without storing it')
    .option('--wait', 'wait for the study Job to finish, then run the onFinish hooks')
    .option('--wait-timeout <duration>', 'how long --wait waits: 90s, 30m, 2h', '1h')
    .option('--json', 'print one JSON document (progress goes to stderr)')
    .action(async (file: string, options: ApplyFlags) => {
      if (options.dryRun !== undefined && options.dryRun !== 'server') {
        throw new FleetcastError('FLEETCAST_USAGE', `--dry-run=${options.dryRun} is not a mode`, {
          hint: 'use --dry-run=server (the API server validates without storing); `fleetcast runtime plan` shows the manifests',
        });
      }
      const { runtime, plan } = await validPlan(file, context);
      warn(context, plan.warnings);
      const dryRun = options.dryRun === 'server';
      const progress = options.json ? context.io.stderr : context.io.stdout;
      const suffix = dryRun ? ' (server dry run)' : '';
      const report = await applyRuntime(runtime, plan, {
        env: context.io.env,
        ...(options.kubeconfig ? { kubeconfig: resolve(context.io.cwd, options.kubeconfig) } : {}),
        ...(options.context ? { context: options.context } : {}),
        dryRun,
        wait: options.wait ?? false,
        waitTimeoutMs: parseDuration(options.waitTimeout),
        output: context.io.stderr,
        onOutcome: (outcome) => progress.write(`${outcome.object} ${outcome.action}${suffix}\n`),
        onHook: (hook) =>
          progress.write(
            `hook ${hook.phase}/${hook.name} (${hook.type}): ${hook.status}${hook.detail ? ` (${hook.detail})` : ''}\n`,
          ),
      });
      if (report.study?.status === 'failed') context.exitCode = 1;
      context.print(options.json, report, () => summary(report));
    });
}

/** The spec, its plan, and the manifests checked: any problem ends the command with all of them listed. */
async function validPlan(file: string, context: CliContext): Promise<{ runtime: LoadedRuntime; plan: RuntimePlan }> {
  const validation = await validateRuntime(file, context.io.cwd);
  if (!validation.valid) throw specError(validation.file, validation.issues);
  return validation;
}

function warn(context: CliContext, warnings: string[]): void {
  for (const warning of warnings) context.io.stderr.write(`fleetcast: warning: ${warning}\n`);
}

function summary(report: ApplyReport): string {
  const parts = (['created', 'configured', 'unchanged'] as const)
    .map((action) => [action, report.objects.filter((object) => object.action === action).length] as const)
    .filter(([, count]) => count > 0)
    .map(([action, count]) => `${count} ${action}`);
  const study = report.study ? `; study job ${report.study.job}: ${report.study.status}` : '';
  return `${report.dryRun ? 'server dry run of' : 'applied'} ${report.objects.length} objects to namespace ${report.namespace} (context ${report.context}): ${parts.join(', ')}${study}`;
}

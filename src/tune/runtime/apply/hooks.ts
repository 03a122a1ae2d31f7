/**
 * Lifecycle hooks: what a runtime needs around its objects. A hook is a command run on the machine
 * that applies (a shell line or a program with arguments), Kubernetes objects to server-side apply,
 * or objects to delete. Hooks of a phase run in order; the first failure stops the apply.
 */
import { spawn } from 'node:child_process';
import { errorMessage, FleetcastError } from '../../../core/errors.js';
import type { Cluster, ObjectOutcome } from '../kubernetes/cluster.js';
import type { KubeObject } from '../plan/names.js';
import type { HookSpec } from '../spec/schema.js';

export type HookPhase = 'onStart' | 'onFinish';

export interface HookOutcome {
  phase: HookPhase;
  name: string;
  type: 'command' | 'apply' | 'delete';
  status: 'ran' | 'skipped';
  /** Why a hook was skipped, or the command's exit code. */
  detail?: string;
  objects?: ObjectOutcome[];
}

export interface HookContext {
  cluster: Cluster;
  namespace: string;
  dryRun: boolean;
  /** Folder of the runtime file: commands run there. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Variables hooks receive about the runtime (RUNTIME_NAME, …). */
  hookEnv: Record<string, string>;
  /** Where a command's output goes (stderr: stdout is kept for the result). */
  output: NodeJS.WritableStream;
  onOutcome?: (outcome: ObjectOutcome) => void;
}

export function hookType(hook: HookSpec): HookOutcome['type'] {
  return hook.command !== undefined ? 'command' : hook.apply !== undefined ? 'apply' : 'delete';
}

export async function runHooks(phase: HookPhase, hooks: HookSpec[], context: HookContext): Promise<HookOutcome[]> {
  const outcomes: HookOutcome[] = [];
  for (const hook of hooks) {
    if (hook.command !== undefined) {
      if (context.dryRun) {
        outcomes.push({ phase, name: hook.name, type: 'command', status: 'skipped', detail: 'dry run' });
        continue;
      }
      await runCommand(phase, hook, hook.command, context);
      outcomes.push({ phase, name: hook.name, type: 'command', status: 'ran', detail: 'exit code 0' });
    } else if (hook.apply !== undefined) {
      const objects: ObjectOutcome[] = [];
      for (const manifest of hook.apply) {
        const object = await withNamespace(manifest as KubeObject, context);
        const result = await context.cluster.apply(object, context.dryRun);
        context.onOutcome?.(result);
        objects.push(result);
      }
      outcomes.push({ phase, name: hook.name, type: 'apply', status: 'ran', objects });
    } else if (hook.delete !== undefined) {
      const objects: ObjectOutcome[] = [];
      for (const ref of hook.delete) {
        const namespaced = await context.cluster.namespaced(ref.apiVersion, ref.kind);
        const result = await context.cluster.remove(
          { ...ref, namespace: namespaced ? (ref.namespace ?? context.namespace) : undefined },
          context.dryRun,
        );
        context.onOutcome?.(result);
        objects.push(result);
      }
      outcomes.push({ phase, name: hook.name, type: 'delete', status: 'ran', objects });
    }
  }
  return outcomes;
}

/** Hook objects without a namespace land in the runtime's, unless their kind is cluster-wide. */
async function withNamespace(object: KubeObject, context: HookContext): Promise<KubeObject> {
  if (object.metadata.namespace !== undefined) return object;
  if (!(await context.cluster.namespaced(object.apiVersion, object.kind))) return object;
  return { ...object, metadata: { ...object.metadata, namespace: context.namespace } };
}

function runCommand(phase: HookPhase, hook: HookSpec, command: string | string[], context: HookContext): Promise<void> {
  const shell = typeof command === 'string';
  const [program, ...args] = shell ? [command] : command;
  const failed = (reason: string) =>
    new FleetcastError('FLEETCAST_TASK_FAILED', `${phase} hook "${hook.name}" failed: ${reason}`, {
      hint:
        phase === 'onStart'
          ? 'nothing of the runtime was applied; fix the hook (its output is above) and apply again'
          : 'the runtime is applied; only this onFinish hook failed (its output is above)',
      details: { phase, hook: hook.name },
    });
  return new Promise((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd: context.cwd,
      env: { ...context.env, ...context.hookEnv },
      shell,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => context.output.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => context.output.write(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(failed(`still running after ${hook.timeoutSeconds} s (timeoutSeconds), stopped`));
    }, hook.timeoutSeconds * 1000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(failed(`cannot start ${program}: ${errorMessage(error)}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(failed(code === null ? `stopped by ${signal}` : `exit code ${code}`));
    });
  });
}

/**
 * Rules that span several parts of the runtime spec (a study needs Redis and a worker group on its
 * queue, schedules need a warehouse, …). Each issue points at the field to change.
 */
import type { z } from 'zod';
import { DEFAULT_QUEUE } from './fields.js';
import type { RuntimeSpec } from './schema.js';

/** Kubernetes adds 11 characters to a CronJob's name for its Jobs, which must stay within 63. */
const MAX_CRONJOB_NAME = 52;

type Context = z.core.$RefinementCtx<RuntimeSpec>;

export function crossCheck(spec: RuntimeSpec, ctx: Context): void {
  const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });

  const { artifacts } = spec;
  if ((artifacts.url === undefined) === (artifacts.secretRef === undefined)) {
    issue(['artifacts'], 'exactly one of url: s3://bucket/prefix or secretRef {name, key} holding it');
  } else if (artifacts.url !== undefined && !/^s3:\/\/[^/?#\s]+/.test(artifacts.url)) {
    issue(
      ['artifacts', 'url'],
      'an s3://bucket/prefix URL (a file:// folder would be private to each pod; use an S3-compatible store)',
    );
  }

  unique(
    spec.workers.map((group) => group.name),
    (index) => issue(['workers', index, 'name'], 'a name no other worker group has'),
  );
  unique(
    spec.schedules.map((schedule) => schedule.name),
    (index) => issue(['schedules', index, 'name'], 'a name no other schedule has'),
  );
  const hooks = [...spec.hooks.onStart, ...spec.hooks.onFinish];
  unique(
    hooks.map((hook) => hook.name),
    (index) => {
      const onStart = index < spec.hooks.onStart.length;
      const at = onStart ? index : index - spec.hooks.onStart.length;
      issue(['hooks', onStart ? 'onStart' : 'onFinish', at, 'name'], 'a name no other hook has');
    },
  );

  if (spec.profile === 'production' && spec.apiKeys === undefined) {
    issue(
      ['apiKeys'],
      'apiKeys: {secretRef: {name, key}} or {table: true} (keys from `fleetcast keys create`): the production profile refuses to start without API keys (or set profile: staging)',
    );
  }
  if (spec.schedules.length > 0 && spec.warehouse === undefined) {
    issue(['warehouse'], 'a warehouse (url or secretRef): scheduled predictions read and write its tables');
  }

  spec.workers.forEach((group, index) => {
    if (group.queues === undefined) return;
    if (spec.redis === undefined) {
      issue(['workers', index, 'queues'], 'no queues without redis: queues are BullMQ queues on Redis');
    }
    unique(group.queues, (at) => issue(['workers', index, 'queues', at], 'a queue not listed twice in the group'));
  });

  spec.schedules.forEach((schedule, index) => {
    const name = `${spec.metadata.name}-${schedule.name}`;
    if (name.length > MAX_CRONJOB_NAME) {
      issue(
        ['schedules', index, 'name'],
        `a shorter name: the CronJob ${name} is ${name.length} characters, at most ${MAX_CRONJOB_NAME} fit`,
      );
    }
  });

  if (spec.study !== undefined) {
    if (spec.redis === undefined) {
      issue(['redis'], 'redis (url or secretRef): the study evaluates its trials on BullMQ workers');
    }
    const queue = spec.study.queue;
    const served = spec.workers.some(
      (group) => group.replicas > 0 && (group.queues ?? [DEFAULT_QUEUE]).includes(queue),
    );
    if (!served) {
      issue(['study', 'queue'], `a queue a worker group with replicas > 0 serves (no group serves "${queue}")`);
    }
  }
}

function unique(values: string[], onDuplicate: (index: number) => void): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) onDuplicate(index);
    seen.add(value);
  });
}

/** Findings that do not stop a plan but deserve a line on stderr. */
export function specWarnings(spec: RuntimeSpec): string[] {
  const warnings: string[] = [];
  const stored = spec.schedules.filter((schedule) => schedule.schedule !== undefined);
  if (stored.length > 0 && spec.workers.some((group) => group.replicas > 0)) {
    warnings.push(
      `schedules ${stored.map((s) => s.name).join(', ')} run stored schedules, which fleetcast worker also fires at their own cron times: remove them from the store (fleetcast schedule remove) or use inline predict options, or they run twice`,
    );
  }
  if (spec.profile === 'local') {
    warnings.push('profile: local on Kubernetes: pods start without API keys; use staging or production');
  }
  if (spec.serve !== undefined && spec.serve.replicas === 1) {
    warnings.push('serve.replicas: 1 drops requests while its pod restarts; 2 or more keep the API answering');
  }
  return warnings;
}

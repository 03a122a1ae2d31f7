/**
 * Run-to-completion components: a CronJob per schedule (`fleetcast predict …` inline, or
 * `fleetcast schedule run NAME` for a stored schedule) and, for a study, a Job running the study's
 * coordinator (`fleetcast tune|calibrate … --distributed --workers 0`), whose trials the worker
 * groups evaluate.
 */
import { parsePredictArgs } from '../../../jobs/index.js';
import type { LoadedRuntime } from '../spec/load.js';
import type { RuntimeSpec, ScheduleSpec, StudySpec } from '../spec/schema.js';
import { type KubeObject, metadata, objectNames, podLabels, STUDY_DIR } from './names.js';
import { jobTemplate } from './pod.js';

export function predictArgs(schedule: ScheduleSpec): string[] {
  if (schedule.schedule !== undefined) return ['schedule', 'run', schedule.schedule, '--json'];
  const predict = parsePredictArgs(schedule.predict ?? '');
  return [
    'predict',
    '--model',
    predict.model,
    '--from',
    predict.from,
    '--to',
    predict.to,
    ...(predict.key ? ['--key', predict.key] : []),
    ...(predict.batchSize ? ['--batch-size', String(predict.batchSize)] : []),
    '--json',
  ];
}

export function cronJob(spec: RuntimeSpec, schedule: ScheduleSpec): KubeObject {
  const labels = { ...podLabels(spec, 'schedule'), 'fleetcast.dev/schedule': schedule.name };
  const meta = metadata(spec, objectNames(spec).schedule(schedule.name), 'schedule');
  meta.labels = { ...meta.labels, 'fleetcast.dev/schedule': schedule.name };
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta,
    spec: {
      schedule: schedule.cron.trim(),
      timeZone: schedule.timezone,
      // One firing at a time, and a missed firing is only worth running within five minutes.
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      suspend: schedule.suspend,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels },
        spec: {
          // A stored schedule retries inside `schedule run` (its own retries setting).
          backoffLimit: schedule.schedule !== undefined ? 0 : schedule.retries,
          ...(schedule.timeoutSeconds !== undefined ? { activeDeadlineSeconds: schedule.timeoutSeconds } : {}),
          template: jobTemplate(spec, labels, {
            name: 'predict',
            args: predictArgs(schedule),
            image: schedule.image,
            cpu: schedule.cpu,
            memory: schedule.memory,
            limits: schedule.limits,
          }),
        },
      },
    },
  };
}

export function studyArgs(study: StudySpec, specFile: string | undefined): string[] {
  const args: string[] = [study.command];
  if (study.example !== undefined) args.push('--example', study.example);
  if (specFile !== undefined) args.push('--spec', `${STUDY_DIR}/${specFile}`);
  if (study.sampler !== undefined) args.push('--sampler', study.sampler);
  if (study.trials !== undefined) args.push('--trials', String(study.trials));
  if (study.seed !== undefined) args.push('--seed', study.seed);
  args.push('--study', study.name, '--distributed', '--workers', '0', '--queue', study.queue, '--json');
  return args;
}

/** The study's spec file in a ConfigMap (when it has one) and the Job that runs the study. */
export function studyObjects(runtime: LoadedRuntime, study: StudySpec): KubeObject[] {
  const { spec, studySpec } = runtime;
  const name = objectNames(spec).study;
  const objects: KubeObject[] = [];
  if (studySpec) {
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: metadata(spec, name, 'study'),
      data: { [studySpec.fileName]: studySpec.content },
    });
  }
  const labels = podLabels(spec, 'study');
  objects.push({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: metadata(spec, name, 'study'),
    spec: {
      // A retried coordinator resumes the stored study: no trial is lost or counted twice.
      backoffLimit: study.backoffLimit,
      template: jobTemplate(
        spec,
        labels,
        {
          name: 'study',
          args: studyArgs(study, studySpec?.fileName),
          image: study.image,
          cpu: study.cpu,
          memory: study.memory,
          limits: study.limits,
          ...(studySpec ? { volumeMounts: [{ name: 'study', mountPath: STUDY_DIR, readOnly: true }] } : {}),
        },
        studySpec ? { volumes: [{ name: 'study', configMap: { name } }] } : {},
      ),
    },
  });
  return objects;
}

/** The archetype catalogue and the default fleet mix. */
import { batch, gpuTraining, mlTraining, olap, oltp, streaming } from './data.js';
import { cache, cicd, development, microservice, mlInference, queue, serverless, web } from './services.js';
import type { Archetype } from './types.js';

export type { Archetype, Environment, InstanceFamily, MetricName } from './types.js';
export { METRICS } from './types.js';

export const ARCHETYPES: readonly Archetype[] = [
  web,
  microservice,
  batch,
  mlTraining,
  mlInference,
  oltp,
  olap,
  streaming,
  serverless,
  cache,
  queue,
  development,
  cicd,
  gpuTraining,
];

const BY_KEY = new Map(ARCHETYPES.map((a) => [a.key, a]));

export function findArchetype(key: string): Archetype | undefined {
  return BY_KEY.get(key);
}

/**
 * The default mix, in percent of resources: many small services, a tail of data systems, a few
 * expensive training hosts. It is what the calibration test holds to the facts (CPU, memory, waste).
 */
export const DEFAULT_MIX: Readonly<Record<string, number>> = {
  web: 16,
  microservice: 20,
  batch: 6,
  'ml-training': 3,
  'ml-inference': 5,
  oltp: 8,
  olap: 4,
  streaming: 5,
  serverless: 8,
  cache: 6,
  queue: 5,
  dev: 8,
  ci: 4,
  'gpu-training': 2,
};

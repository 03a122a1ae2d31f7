import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One hash over the training (and test) files, in order: the dataset a model's scores refer to. */
export function datasetHash(paths: string[]): string {
  const hash = createHash('sha256');
  for (const path of paths) hash.update(readFileSync(path));
  return hash.digest('hex');
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISTIO_QUERY_SET } from '../../../src/collect/queries/istio.js';
import { parseQuerySet, readQuerySet, resolveQuerySet } from '../../../src/collect/queries/load.js';
import { tempDir } from '../../helpers/services.js';

describe('query sets in YAML', () => {
  it('reads the example set for a Micrometer stack', () => {
    const set = readQuerySet(new URL('../../../examples/collect/queries-micrometer.yaml', import.meta.url).pathname);
    expect(set.name).toBe('micrometer');
    expect(Object.keys(set.queries).sort()).toEqual([
      'cpu',
      'replicas',
      'response_time',
      'response_time_p95',
      'throughput',
    ]);
    expect(set.discover?.label).toBe('application');
  });

  it('names the bad key, the missing quantities and the bad placeholder', () => {
    expect(() => parseQuerySet({ queries: { throughput: 'x', cpu: 'y', latency: 'z' } }, 'f.yaml')).toThrow(
      /f\.yaml: .*latency/,
    );
    expect(() => parseQuerySet({ queries: { throughput: 'x', cpu: 'y' } }, 'f.yaml')).toThrow(
      /queries lack response_time/,
    );
    expect(() =>
      parseQuerySet({ queries: { throughput: 'x{a={{service}}}', cpu: 'y', response_time: 'z' } }, 'f.yaml'),
    ).toThrow(/queries\.throughput: \{\{service\}\} must sit inside a quoted string/);
  });

  it('resolves istio, a file and an inline set; a missing file is a clear error', () => {
    expect(resolveQuerySet(undefined, 'e')).toBe(ISTIO_QUERY_SET);
    expect(resolveQuerySet('istio', 'e')).toBe(ISTIO_QUERY_SET);
    const dir = tempDir();
    const file = join(dir.path, 'set.yaml');
    writeFileSync(file, 'name: mine\nqueries:\n  response_time: a\n  throughput: b\n  cpu: c\n');
    expect(resolveQuerySet(file, 'e').name).toBe('mine');
    expect(resolveQuerySet({ queries: { response_time: 'a', throughput: 'b', cpu: 'c' } }, 'e').name).toBe('custom');
    expect(() => readQuerySet(join(dir.path, 'nope.yaml'))).toThrow(/cannot read the query set/);
    writeFileSync(file, 'queries: [');
    expect(() => readQuerySet(file)).toThrow(/not valid YAML/);
    dir.remove();
  });
});

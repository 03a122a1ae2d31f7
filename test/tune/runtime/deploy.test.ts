import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuntimeSpec, planFiles, planRuntime } from '../../../src/tune/runtime/index.js';
import { REPO } from './helpers/specs.js';

const DEPLOY = join(REPO, 'deploy/kubernetes');

describe('deploy/kubernetes', () => {
  it('is what `fleetcast runtime plan examples/runtime/fleetcast.yaml --out deploy/kubernetes` renders today', () => {
    const expected = planFiles(planRuntime(loadRuntimeSpec(join(REPO, 'examples/runtime/fleetcast.yaml'), REPO)));
    const stale =
      'deploy/kubernetes is stale: run `fleetcast runtime plan examples/runtime/fleetcast.yaml --out deploy/kubernetes`';
    expect(readdirSync(DEPLOY).sort(), stale).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected)
      expect(readFileSync(join(DEPLOY, file), 'utf8'), `${file}: ${stale}`).toBe(text);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
  const lines = dockerfile.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));

  it('builds in one stage and runs production dependencies only in another, on Node 20', () => {
    const stages = lines.filter((line) => line.startsWith('FROM '));
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20[-.\w]*-slim /);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  it('copies .npmrc before installing, so onnxruntime-node-install=skip holds', () => {
    const copyNpmrc = lines.findIndex((line) => line.startsWith('COPY') && line.includes('.npmrc'));
    const install = lines.findIndex((line) => line.includes('npm ci'));
    expect(copyNpmrc).toBeGreaterThanOrEqual(0);
    expect(copyNpmrc).toBeLessThan(install);
  });

  it('runs fleetcast as the non-root user the manifests expect, on port 8080', () => {
    const runtime = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')));
    expect(runtime.filter((line) => line.startsWith('USER '))).toEqual(['USER 1000:1000']);
    expect(runtime).toContain('EXPOSE 8080');
    expect(runtime.find((line) => line.startsWith('ENTRYPOINT'))).toBe('ENTRYPOINT ["fleetcast"]');
    expect(runtime.find((line) => line.startsWith('ENV FLEETCAST_HOME='))).toBe(
      'ENV FLEETCAST_HOME=/var/lib/fleetcast',
    );
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerFlavor, saveModel } from '../../src/models/index.js';
import { runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/services.js';

// These tests drive the registry and job machinery with a tiny `text-classifier` fixture flavor
// (below); the built-in text-classifier loader is kept from claiming the flavor in this file.
vi.mock('../../src/models/text/flavor.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/models/text/flavor.js')>()),
  registerTextClassifierFlavor: () => {},
}));

// A fixture flavor (see test/registry/registry.test.ts): the real text classifier comes with serve.
registerFlavor('text-classifier', (files) => ({
  flavor: 'text-classifier',
  signature: files.manifest.signature,
  manifest: files.manifest,
  predict: async (batch: unknown) => batch,
}));

let dir: { path: string; remove: () => void };
let env: NodeJS.ProcessEnv;
const cli = (...args: string[]) => runInProcess(args, { cwd: dir.path, env });
const json = async (...args: string[]) => {
  const result = await cli(...args, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(() => {
  dir = tempDir();
  env = { FLEETCAST_HOME: join(dir.path, 'home') };
  for (const label of ['a', 'b']) {
    saveModel(join(dir.path, label), {
      flavor: 'text-classifier',
      signature: { inputs: [{ name: 'text', type: 'string' }], outputs: [{ name: 'label', type: 'string' }] },
      files: { 'weights.json': JSON.stringify({ label }) },
    });
  }
});
afterAll(() => dir.remove());

describe('fleetcast models', () => {
  it('registers, lists, promotes with confirmation, rolls back and shows the history', async () => {
    expect(
      (await json('models', 'register', 'sentiment', join(dir.path, 'a'), '--env', 'dev', '--tag', 'team=ml')).version,
    ).toBe(1);
    expect((await json('models', 'register', 'sentiment', join(dir.path, 'b'))).version).toBe(2);
    const listed = await json('models', 'list');
    expect(listed.map((v: { version: number; aliases: string[] }) => [v.version, v.aliases])).toEqual([
      [1, ['dev']],
      [2, []],
    ]);

    const unconfirmed = await cli('models', 'promote', 'sentiment', '2', '--to', 'prod');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toContain('--yes');
    expect((await json('models', 'promote', 'sentiment', '1', '--to', 'prod', '--yes')).toVersion).toBe(1);
    await json('models', 'promote', 'sentiment', '2', '--to', 'prod', '--yes', '--reason', 'better');
    expect((await json('models', 'show', 'sentiment@prod')).version).toBe(2);
    expect((await json('models', 'rollback', 'sentiment', '--env', 'prod')).toVersion).toBe(1);
    expect((await json('models', 'show', 'sentiment@prod')).version).toBe(1);

    const history = await json('models', 'history', 'sentiment');
    expect(history.map((h: { alias: string; action: string }) => `${h.action}@${h.alias}`)).toEqual([
      'promote@dev',
      'promote@prod',
      'promote@prod',
      'rollback@prod',
    ]);
    const human = await cli('models', 'history', 'sentiment');
    expect(human.stdout).toContain('(better)');
  });

  it('downloads a version and refuses to delete one that holds an alias', async () => {
    const target = join(dir.path, 'out');
    expect((await json('models', 'download', 'sentiment:2', target)).folder).toBe(target);
    const refused = await cli('models', 'delete', 'sentiment', '1');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/holds @dev, @prod/);
    expect((await json('models', 'delete', 'sentiment', '2')).deleted).toBe('sentiment:2');
  });

  it('reports bad input in one line: unknown model, bad version, bad tag, missing folder', async () => {
    const unknown = await cli('models', 'show', 'nobody@prod');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^fleetcast: model nobody has no version at @prod/);
    expect((await cli('models', 'promote', 'sentiment', 'x', '--to', 'staging')).stderr).toContain(
      'not a positive integer',
    );
    expect((await cli('models', 'register', 'm', join(dir.path, 'a'), '--tag', 'oops')).code).toBe(2);
    const missing = await cli('models', 'register', 'm', join(dir.path, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('holds no fleetcast.json');
    expect((await cli('models', 'list')).stdout).not.toContain('m:');
  });

  it('registers the model of a train run with --from-run, and wants PATH or --from-run, not both', async () => {
    const lines = ['id,ts,v'];
    for (const id of ['a', 'b']) {
      for (let i = 0; i < 24; i++) lines.push(`${id},${new Date(Date.UTC(2025, 0, 1, i)).toISOString()},${i % 6}`);
    }
    writeFileSync(join(dir.path, 'series.csv'), `${lines.join('\n')}\n`);
    const trained = await json(
      ...['train', '--task', 'forecast', '--data', 'series.csv', '--id-col', 'id', '--time-col', 'ts'],
      ...['--value-col', 'v', '--horizon', '3', '--model', 'naive'],
    );
    expect(trained.run_id).toEqual(expect.any(String));
    const version = await json('models', 'register', 'cpu', '--from-run', trained.run_id, '--env', 'staging');
    expect(version).toMatchObject({ name: 'cpu', version: 1, flavor: 'forecaster', sourceRun: trained.run_id });
    expect((await cli('models', 'register', 'cpu')).code).toBe(2);
    expect((await cli('models', 'register', 'cpu', join(dir.path, 'a'), '--from-run', trained.run_id)).code).toBe(2);
    const unknown = await cli('models', 'register', 'cpu', '--from-run', 'nope');
    expect(unknown.stderr).toContain('no run with id nope');
  });
});

/**
 * `fleetcast serve` as a user runs it: the built binary in its own process, answering over HTTP,
 * then stopped with SIGTERM while a request is in flight — that request completes, the process
 * exits 0 well within 10 s. (Needs `npm run build`, which `npm test` does first.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runInProcess } from '../helpers/cli.js';
import { call, createFixture, type Fixture } from './fixtures.js';

let fixture: Fixture;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  fixture = await createFixture();
  env = { FLEETCAST_HOME: join(fixture.dir, 'home'), FLEETCAST_LOG_FORMAT: 'json' };
});

afterAll(async () => {
  await fixture?.close();
});

function startBinary(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: fixture.dir,
    env: cleanEnv({ ...env, ...extraEnv }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<{ url: string; models: string[] }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', () => {
      const line = stdout.split('\n').find((l) => l.startsWith('{') && l.includes('"url"'));
      if (!line && !stdout.includes('}')) return;
      try {
        const parsed = JSON.parse(stdout) as { url: string; models: string[] };
        clearTimeout(timer);
        resolve(parsed);
      } catch {
        // the JSON document is not complete yet
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before listening; stderr: ${stderr}`));
    });
  });
  return { child, listening, exited, logs: () => stderr };
}

describe('fleetcast serve (the binary)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
  });

  it('serves, then stops on SIGTERM after finishing the request in flight', async () => {
    const server = startBinary(['--models', 'cost@prod,perf@prod', '--port', '0', '--json']);
    child = server.child;
    const { url, models } = await server.listening;
    expect(models).toEqual(['cost', 'perf']);
    const reply = await call(url, '/api/v1/predict', { body: { input: { cpu: 1, memory: 2, spot: 0 } } });
    expect(reply.status).toBe(200);
    expect(reply.body.model).toBe('cost');

    const slow = call(url, '/api/v1/models/cost/batch', {
      body: { inputs: Array.from({ length: 1000 }, (_, i) => ({ cpu: i, memory: 1, spot: 0 })) },
    });
    await new Promise((r) => setTimeout(r, 30));
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    const finished = await slow;
    expect(finished.status).toBe(200);
    expect(finished.body.predictions).toHaveLength(1000);
    expect(await server.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    // Structured logs, one line per request, without the inputs.
    const lines = server
      .logs()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const request = lines.find((l) => l.msg === 'request' && l.route === '/api/v1/predict');
    expect(request).toMatchObject({ method: 'POST', status: 200, model: 'cost' });
    expect(JSON.stringify(request)).not.toContain('"cpu"');
    expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('refuses bad flags and the production profile without keys, with one clear line', async () => {
    const badPort = await runInProcess(['serve', '--port', 'eighty'], { cwd: fixture.dir, env });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port');
    const production = await runInProcess(['serve', '--models', 'cost@prod'], {
      cwd: fixture.dir,
      env: { ...env, FLEETCAST_PROFILE: 'production', FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION: 'true' },
    });
    expect(production.code).toBe(1);
    expect(production.stderr).toContain('API keys');
    const missing = await runInProcess(['serve', '--models', 'ghost@prod', '--port', '0'], { cwd: fixture.dir, env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ghost@prod');
  });
});

/**
 * `fleetcast keys` as a user runs it: the built binary against a temp FLEETCAST_HOME, with a running
 * `fleetcast serve` (its own process) picking created and revoked keys up within its reload
 * interval, no restart. (Needs `npm run build`, which `npm test` does first.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runBinary, runInProcess } from '../helpers/cli.js';
import { tempDir } from '../helpers/services.js';
import { call, createFixture, type Fixture } from '../serve/fixtures.js';

const KEY_FORMAT = /^fc_[A-Za-z0-9_-]{43}$/;
const PREDICT = '/api/v1/models/cost/predict';
const input = { input: { cpu: 1, memory: 1, spot: 0 } };

let fixture: Fixture;
let env: NodeJS.ProcessEnv;
let server: ChildProcess | undefined;

beforeAll(async () => {
  fixture = await createFixture();
  env = { FLEETCAST_HOME: fixture.config.home, FLEETCAST_LOG_FORMAT: 'json' };
});

afterAll(async () => {
  server?.kill('SIGKILL');
  await fixture?.close();
});

/** The binary, as a user runs it (create and revoke); `inProcess` for the rest, to keep the file quick. */
const keys = (args: string[]) => runBinary(['keys', ...args], { cwd: fixture.dir, env });
const inProcess = (args: string[]) => runInProcess(['keys', ...args], { cwd: fixture.dir, env });

const statusWith = async (base: string, headers: Record<string, string> = {}) =>
  (await call(base, PREDICT, { body: input, headers })).status;

async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `fleetcast serve --json` in its own process; resolves with its URL once listening. */
function startServe(extra: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'serve', '--models', 'cost@prod', '--port', '0', '--json'], {
    cwd: fixture.dir,
    env: cleanEnv({ ...env, ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      try {
        resolve((JSON.parse(stdout) as { url: string }).url);
        clearTimeout(timer);
      } catch {
        // the JSON document is not complete yet
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      reject(new Error(`exited before listening; stderr: ${stderr}`));
    });
  });
}

describe('fleetcast keys (the binary) with a running fleetcast serve', () => {
  it('create → the key works → revoke → refused within the reload interval, no restart', async () => {
    const created = await keys(['create', 'ci', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const ci = JSON.parse(created.stdout) as Record<string, string | null>;
    expect(Object.keys(ci).sort()).toEqual(['created_at', 'expires_at', 'id', 'key', 'name']);
    expect(ci.key).toMatch(KEY_FORMAT);
    expect(ci.id).toBe(`key_${createHash('sha256').update(ci.key!).digest('hex').slice(0, 12)}`);
    expect(ci).toMatchObject({ name: 'ci', expires_at: null });

    const url = await startServe({ FLEETCAST_SERVE_RELOAD_INTERVAL_SECONDS: '0.2' });
    expect(await statusWith(url, { authorization: `Bearer ${ci.key}` })).toBe(200);
    expect(await statusWith(url, { 'x-api-key': ci.key! })).toBe(200);
    expect(await statusWith(url)).toBe(401);

    // A key made while serve runs: the key alone on stdout, the notice on stderr.
    const deploy = await keys(['create', 'deploy', '--expires-in', '90d']);
    expect(deploy.code, deploy.stderr).toBe(0);
    const deployKey = deploy.stdout.trim();
    expect(deployKey).toMatch(KEY_FORMAT);
    expect(deploy.stderr).toMatch(/created API key key_[0-9a-f]{12} \(deploy\), expires \d{4}-/);
    expect(deploy.stderr).toContain('only time the key is shown');
    await eventually(async () => (await statusWith(url, { 'x-api-key': deployKey })) === 200);

    const listed = await inProcess(['list']);
    const listedJson = await inProcess(['list', '--json']);
    for (const output of [listed.stdout, listed.stderr, listedJson.stdout, listedJson.stderr]) {
      expect(output).not.toContain(ci.key);
      expect(output).not.toContain(deployKey);
    }
    expect(listed.stdout).toMatch(new RegExp(`^${ci.id}\\s+ci\\s+active\\s`, 'm'));
    const records = JSON.parse(listedJson.stdout) as Array<Record<string, unknown>>;
    expect(records.map((r) => [r.name, r.status])).toEqual([
      ['ci', 'active'],
      ['deploy', 'active'],
    ]);
    expect(records[0]).not.toHaveProperty('key');
    expect(records[0]).not.toHaveProperty('key_sha256');

    const revoked = await keys(['revoke', ci.id!]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`revoked API key ${ci.id} (ci)`);
    await eventually(async () => (await statusWith(url, { 'x-api-key': ci.key! })) === 401);
    expect(await statusWith(url, { 'x-api-key': deployKey })).toBe(200);
    const again = await inProcess(['revoke', ci.id!, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: ci.id, status: 'revoked', revoked_now: false });

    // An expired key is refused, and listed as expired.
    const short = await inProcess(['create', 'short', '--expires-in', '1s', '--json']);
    expect(short.code, short.stderr).toBe(0);
    const shortKey = JSON.parse(short.stdout) as { key: string; expires_at: string };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(shortKey.expires_at) - Date.now() + 50)));
    expect(await statusWith(url, { 'x-api-key': shortKey.key })).toBe(401);
    expect((await inProcess(['list'])).stdout).toMatch(/\sshort\s+expired\s/);
  });
});

describe('fleetcast keys: usage errors', () => {
  it('refuses bad names, durations, duplicates and unknown ids with one clear line and a non-zero exit', async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [['create', ''], 1, /an API key needs a name/],
      [['create', 'has space'], 1, /API key name "has space" is not allowed/],
      [['create', 'x', '--expires-in', 'soon'], 2, /--expires-in "soon" is not a duration/],
      [['create', 'x', '--expires-in', '90'], 2, /--expires-in "90" is not a duration/],
      [['create', 'x', '--expires-in', '0d'], 2, /must be longer than zero/],
      [['create', 'x', '--expires-in', '4000d'], 2, /over ten years/],
      [['create'], 2, /missing required argument 'name'/],
      [['revoke', 'key_000000000000'], 1, /no API key with id "key_000000000000"/],
      [['bogus'], 2, /unknown command 'bogus'/],
    ];
    for (const [args, code, message] of cases) {
      const result = await inProcess(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('hint:');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const first = await inProcess(['create', 'twice']);
    expect(first.code).toBe(0);
    const duplicate = await inProcess(['create', 'twice']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/an active API key is already named "twice" \(key_[0-9a-f]{12}\)/);
    expect(duplicate.stderr).toContain('fleetcast keys revoke key_');
  });

  it('keeps --json output to one document on stdout', async () => {
    const result = await inProcess(['create', 'json-only', '--json']);
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout))).toContain('key');
    expect(result.stderr).toBe('');
  });

  it('runs under the production profile, whose serve refuses to start with no key and says how to make one', async () => {
    const home = tempDir();
    try {
      const production = {
        FLEETCAST_HOME: home.path,
        FLEETCAST_PROFILE: 'production',
        FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION: 'true',
      };
      const listed = await runInProcess(['keys', 'list'], { cwd: home.path, env: production });
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('no API keys in the metadata store');
      const serve = await runInProcess(['serve', '--port', '0'], { cwd: home.path, env: production });
      expect(serve.code).toBe(1);
      expect(serve.stderr).toContain('refuses to serve without API keys');
      expect(serve.stderr).toContain('fleetcast keys create');
    } finally {
      home.remove();
    }
  });
});

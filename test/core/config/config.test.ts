import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load.js';
import { maskObject, maskUrl } from '../../../src/core/config/mask.js';
import { tempDir } from '../../helpers/services.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const load = (env: NodeJS.ProcessEnv = {}, extra: Parameters<typeof loadConfig>[0] = {}) =>
  loadConfig({ cwd: dir.path, env, ...extra });

describe('configuration layering', () => {
  it('defaults to embedded stores under ./.fleetcast', () => {
    const config = load();
    expect(config.profile).toBe('local');
    expect(config.home).toBe(join(dir.path, '.fleetcast'));
    expect(config.databaseUrl).toBe(`sqlite:${join(dir.path, '.fleetcast', 'metadata.sqlite')}`);
    expect(config.warehouseUrl).toBe(`duckdb:${join(dir.path, '.fleetcast', 'warehouse.duckdb')}`);
    expect(config.artifactsUrl).toBe(`file://${join(dir.path, '.fleetcast', 'artifacts')}`);
    expect(config.redisUrl).toBeUndefined();
    expect(config.queue.concurrency).toBeGreaterThanOrEqual(1);
  });

  it('applies defaults < fleetcast.yaml < environment < flags', () => {
    writeFileSync(
      join(dir.path, 'fleetcast.yaml'),
      'home: from-file\nlog_level: debug\nqueue:\n  concurrency: 3\n  attempts: 7\n',
    );
    const fileOnly = load();
    expect(fileOnly.home).toBe(join(dir.path, 'from-file'));
    expect(fileOnly.logLevel).toBe('debug');
    expect(fileOnly.sources.log_level).toBe('file');

    const withEnv = load({ FLEETCAST_HOME: '/tmp/from-env', FLEETCAST_QUEUE_CONCURRENCY: '5' });
    expect(withEnv.home).toBe('/tmp/from-env');
    expect(withEnv.queue).toMatchObject({ concurrency: 5, attempts: 7 });

    const withFlags = load({ FLEETCAST_HOME: '/tmp/from-env' }, { flags: { home: '/tmp/from-flag' } });
    expect(withFlags.home).toBe('/tmp/from-flag');
    expect(withFlags.sources.home).toBe('flag');
  });

  it('resolves relative store paths against the working folder', () => {
    const config = load({
      FLEETCAST_DATABASE_URL: 'sqlite:data/m.sqlite',
      FLEETCAST_WAREHOUSE_URL: 'duckdb:///abs/w.duckdb',
      FLEETCAST_ARTIFACTS_URL: 'file:art',
    });
    expect(config.databaseUrl).toBe(`sqlite:${join(dir.path, 'data', 'm.sqlite')}`);
    expect(config.warehouseUrl).toBe('duckdb:/abs/w.duckdb');
    expect(config.artifactsUrl).toBe(`file://${join(dir.path, 'art')}`);
  });

  it('reads an explicit --config file and fails clearly when it is missing', () => {
    const file = join(dir.path, 'other.yaml');
    writeFileSync(file, 'profile: staging\n');
    expect(load({}, { configFile: 'other.yaml' }).profile).toBe('staging');
    expect(() => load({}, { configFile: 'missing.yaml' })).toThrow(
      expect.objectContaining({ code: 'FLEETCAST_CONFIG_FILE', message: expect.stringContaining('missing.yaml') }),
    );
  });

  it('warns about an unknown FLEETCAST_ variable but ignores test variables', () => {
    const warnings: string[] = [];
    load({ FLEETCAST_DATABSE_URL: 'x', FLEETCAST_TEST_POSTGRES_URL: 'y' }, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringContaining('FLEETCAST_DATABSE_URL')]);
  });
});

describe('invalid configuration fails fast with key, value and expectation', () => {
  it('names the variable, the value and what was expected', () => {
    expect(() => load({ FLEETCAST_QUEUE_CONCURRENCY: 'lots' })).toThrow(
      /queue\.concurrency = "lots" \(from FLEETCAST_QUEUE_CONCURRENCY\): expected an integer/,
    );
    expect(() => load({ FLEETCAST_PROFILE: 'prod' })).toThrow(/profile = "prod" \(from FLEETCAST_PROFILE\): expected/);
    expect(() => load({ FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION: 'maybe' })).toThrow(/true or false/);
  });

  it('masks a secret inside a rejected URL', () => {
    let message = '';
    try {
      load({ FLEETCAST_DATABASE_URL: 'mysql://admin:supersecret@db:3306/x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('database_url');
    expect(message).toContain('mysql://admin:***@db:3306/x');
    expect(message).not.toContain('supersecret');
  });

  it('masks rejected API keys', () => {
    expect(() => load({ FLEETCAST_API_KEYS: 'short' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('short"') }),
    );
  });

  it('rejects unknown keys, bad YAML and non-mapping files in fleetcast.yaml', () => {
    const file = join(dir.path, 'fleetcast.yaml');
    writeFileSync(file, 'databse_url: sqlite:x\n');
    expect(() => load()).toThrow(/databse_url.*no such key/);
    writeFileSync(file, 'profile: [unclosed\n');
    expect(() => load()).toThrow(expect.objectContaining({ code: 'FLEETCAST_CONFIG_FILE' }));
    writeFileSync(file, '- a\n- b\n');
    expect(() => load()).toThrow(/mapping/);
    writeFileSync(file, 'queue:\n  concurrency: 0\n');
    expect(() => load()).toThrow(new RegExp(`queue\\.concurrency = 0 \\(from ${file.replaceAll('/', '\\/')}\\)`));
  });

  it('rejects an empty store path', () => {
    expect(() => load({ FLEETCAST_DATABASE_URL: 'sqlite:' })).toThrow(
      expect.objectContaining({ code: 'FLEETCAST_URL_INVALID' }),
    );
  });
});

describe('production profile', () => {
  const keys = 'k'.repeat(20);

  it('loads without API keys: serve refuses them, as they may live in the keys table', () => {
    const config = load({ FLEETCAST_PROFILE: 'production', FLEETCAST_DATABASE_URL: 'postgres://fleet@db/fleet' });
    expect(config.apiKeys).toEqual([]);
  });

  it('refuses the embedded SQLite store unless explicitly allowed', () => {
    expect(() => load({ FLEETCAST_PROFILE: 'production', FLEETCAST_API_KEYS: keys })).toThrow(/SQLite/);
    const allowed = load({
      FLEETCAST_PROFILE: 'production',
      FLEETCAST_API_KEYS: keys,
      FLEETCAST_ALLOW_EMBEDDED_IN_PRODUCTION: 'true',
    });
    expect(allowed.allowEmbeddedInProduction).toBe(true);
    const scaled = load({
      FLEETCAST_PROFILE: 'production',
      FLEETCAST_API_KEYS: `${keys},${'z'.repeat(16)}`,
      FLEETCAST_DATABASE_URL: 'postgres://fleet@db/fleet',
    });
    expect(scaled.apiKeys).toHaveLength(2);
  });
});

describe('masking', () => {
  it('masks URL passwords and secret query parameters', () => {
    expect(maskUrl('postgres://u:p4ss@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(maskUrl('s3://bucket/p?endpoint=http://x&secret_key=abc')).toContain('secret_key=***');
    expect(maskUrl('redis://h:6379')).toBe('redis://h:6379');
    expect(maskUrl('not a url //u:pw@x')).toBe('not a url //u:***@x');
  });

  it('masks secrets deep inside objects', () => {
    expect(maskObject({ api_keys: ['a', 'b'], nested: { password: 'x', url: 'redis://:pw@h:1' } })).toEqual({
      api_keys: ['***', '***'],
      nested: { password: '***', url: 'redis://:***@h:1' },
    });
  });
});

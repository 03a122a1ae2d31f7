/**
 * Where the scaled-path tests find their servers. Outside CI a missing URL skips the test with a
 * printed reason; under CI (CI set) it is an error, so a scaled test can never silently not run.
 *
 * URLs: FLEETCAST_TEST_POSTGRES_URL and FLEETCAST_TEST_REDIS_URL (exported by .ci/run); the
 * product's own FLEETCAST_DATABASE_URL / FLEETCAST_WAREHOUSE_URL / FLEETCAST_REDIS_URL win when they
 * point at PostgreSQL / Redis, so the same suites run against whatever a developer configured.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, type ScratchDatabase } from '../../src/core/postgres.js';

type Service = 'postgres' | 'redis';

const printed = new Set<string>();

function configured(service: Service, purpose?: 'database' | 'warehouse'): string | undefined {
  if (service === 'redis') return process.env.FLEETCAST_REDIS_URL || process.env.FLEETCAST_TEST_REDIS_URL;
  const own = purpose === 'warehouse' ? process.env.FLEETCAST_WAREHOUSE_URL : process.env.FLEETCAST_DATABASE_URL;
  if (own && /^postgres(ql)?:/.test(own)) return own;
  return process.env.FLEETCAST_TEST_POSTGRES_URL;
}

/** The service URL, or undefined (with a printed reason) when tests needing it should skip. */
export function serviceUrl(service: Service, purpose?: 'database' | 'warehouse'): string | undefined {
  const url = configured(service, purpose);
  if (url) return url;
  const variable = service === 'redis' ? 'FLEETCAST_TEST_REDIS_URL' : 'FLEETCAST_TEST_POSTGRES_URL';
  if (process.env.CI) {
    throw new Error(`${variable} is not set, and CI requires the ${service} tests to run (see .ci/run)`);
  }
  if (!printed.has(service)) {
    printed.add(service);
    console.warn(`skipping ${service} tests: set ${variable} (CI is unset, so they may skip)`);
  }
  return undefined;
}

/** A fresh, empty PostgreSQL database for one test file, dropped by `drop()`. */
export function createTempPostgresDatabase(baseUrl: string): Promise<ScratchDatabase> {
  return createScratchDatabase(baseUrl, 'fleetcast_test');
}

/** A temporary folder removed by the returned function. */
export function tempDir(prefix = 'fleetcast-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A short random suffix for queue prefixes, bucket names and the like. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The real data under `../shared/data/kpp`, read in place. Under CI it must be there (CI runs with
 * shared/ beside the clone), except where FLEETCAST_TEST_SHARED_OPTIONAL=1 says this CI has no
 * shared/ (the GitHub workflow); elsewhere a missing folder skips with a printed reason.
 */
export function kppFolder(): string | undefined {
  const folder = fileURLToPath(new URL('../../../shared/data/kpp', import.meta.url));
  if (existsSync(folder)) return folder;
  if (process.env.CI && process.env.FLEETCAST_TEST_SHARED_OPTIONAL !== '1') {
    throw new Error(`${folder} is missing, and CI runs with shared/ beside the repo`);
  }
  if (!printed.has('kpp')) {
    printed.add('kpp');
    console.warn(`skipping the kpp tests: ${folder} is absent`);
  }
  return undefined;
}

/** One metadata store to run a suite on: a SQLite file always, PostgreSQL when a server is given. */
export interface MetadataTarget {
  name: 'sqlite' | 'postgres';
  open: () => Promise<{ url: string; cleanup: () => Promise<void> }>;
}

/** The metadata stores every conformance-style suite runs against (each `open` makes a fresh one). */
export function metadataTargets(): MetadataTarget[] {
  const targets: MetadataTarget[] = [
    {
      name: 'sqlite',
      open: async () => {
        const dir = tempDir();
        return { url: `sqlite:${join(dir.path, 'nested', 'metadata.sqlite')}`, cleanup: async () => dir.remove() };
      },
    },
  ];
  const postgresUrl = serviceUrl('postgres', 'database');
  if (postgresUrl) {
    targets.push({
      name: 'postgres',
      open: async () => {
        const db = await createTempPostgresDatabase(postgresUrl);
        return { url: db.url, cleanup: db.drop };
      },
    });
  }
  return targets;
}

/**
 * A real S3-compatible server (s3rver) for the artifact-store tests, on a random free port of
 * 127.0.0.1 and storing into a temp folder, so the S3 suites always run, CI or not.
 *
 * It runs in a child Node process started with --openssl-legacy-provider: s3rver encrypts its
 * ListObjectsV2 continuation tokens with DES, which OpenSSL 3 (Node >= 17) only offers through the
 * legacy provider, so in-process every truncated listing would fail with a 500. The child also keeps
 * s3rver's global exception handlers out of the test process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type S3rver from 's3rver';
import { tempDir, uniqueSuffix } from './services.js';

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  close: () => Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

export async function startS3Server(): Promise<TestS3Server> {
  const dir = tempDir('fleetcast-s3rver-');
  const bucket = `fleetcast-test-${uniqueSuffix()}`;
  const options: S3rver.Options = {
    address: '127.0.0.1',
    port: 0, // The OS picks a free port; the child reports the bound one.
    silent: true,
    directory: dir.path,
    configureBuckets: [{ name: bucket }],
  };
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  // The child exits when its stdin closes, so it cannot outlive a test process that dies.
  const script = `
    const S3rver = require(${JSON.stringify(modulePath)});
    const server = new S3rver(${JSON.stringify(options)});
    server.run().then(
      (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
      (error) => { console.error(error); process.exit(1); },
    );
    process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let port: number;
  try {
    port = await readPort(child);
  } catch (error) {
    await stop(child);
    dir.remove();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    // s3rver accepts exactly this key pair (and checks signatures made with it).
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    close: async () => {
      try {
        await stop(child);
      } finally {
        dir.remove();
      }
    },
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(`s3rver did not start within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`${reason}${stderr ? `:\n${stderr}` : ''}`));
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => fail(`s3rver exited with code ${code} before listening`));
  });
}

/** Asks the child to close s3rver (by closing its stdin), killing it if it does not exit promptly. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The parent's side of the load generator: forks loader.ts (compiled: loader.js; in the sources,
 * through the TypeScript module hooks the worker pool uses) and runs loads in it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult, LoadSpec } from './loader.js';

export interface LoadClient {
  run(spec: LoadSpec): Promise<LoadResult>;
  close(): Promise<void>;
}

export async function startLoadClient(): Promise<LoadClient> {
  const source = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(source ? './loader.ts' : './loader.js', import.meta.url));
  const execArgv = source
    ? [
        '--import',
        `data:text/javascript,import { register } from 'node:module'; register(${JSON.stringify(
          new URL('../../core/queue/ts-hooks.mjs', import.meta.url).href,
        )});`,
      ]
    : [];
  const child: ChildProcess = fork(entry, ['--fleetcast-loader'], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the load generator did not start in 30 s')), 30_000);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the load generator exited with code ${code}`));
    });
  });
  child.on('message', (message: { type: string; id: number; result?: LoadResult; error?: string }) => {
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.type === 'result') entry.resolve(message.result!);
    else entry.reject(new Error(message.error));
  });
  child.on('exit', () => {
    for (const entry of waiting.values()) entry.reject(new Error('the load generator exited'));
    waiting.clear();
  });
  return {
    run: (spec) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        child.send({ type: 'run', id, spec });
      }),
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ type: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

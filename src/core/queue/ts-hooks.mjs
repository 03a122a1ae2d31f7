/**
 * Source mode only (tests): Node 20 cannot run TypeScript, and vitest transforms modules in the test's
 * own thread, not in the pool's worker threads. pool-worker-source.mjs registers these module hooks
 * in each worker so it can import the `.ts` sources. The compiled package never loads this file.
 *
 * esbuild comes with vitest (through vite), so it is present whenever the sources are being tested.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let esbuild;

/** Sources import siblings as `./x.js` (NodeNext style); on disk, next to them, is `./x.ts`. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const local = specifier.startsWith('.') || specifier.startsWith('file:') || specifier.startsWith('/');
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && local && specifier.endsWith('.js')) {
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  esbuild ??= require('esbuild');
  const filename = fileURLToPath(url);
  const { code } = esbuild.transformSync(await readFile(filename, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: filename,
    sourcemap: 'inline',
  });
  return { format: 'module', source: code, shortCircuit: true };
}

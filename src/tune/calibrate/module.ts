/**
 * Loading a simulation module by URL, once per process or worker thread.
 *
 * `fleetcast:NAME` names a built-in model (the shipped examples). A JavaScript module is imported
 * as it is. A TypeScript module is imported directly where Node or the test runner can (Node with
 * type stripping, or the sources under vitest); elsewhere it is compiled with the `typescript`
 * package, when installed, into a hidden file beside it (`.NAME.<hash>.fleetcast.mjs`), so its
 * relative and package imports resolve as they would from the source. Rewritten only when the
 * source changes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import type { SimulationModule } from './tables.js';

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export const BUILTIN_MODELS: Readonly<Record<string, string>> = {
  seir: new URL(`./examples/seir-model${extension}`, import.meta.url).href,
  workload: new URL(`./examples/workload-model${extension}`, import.meta.url).href,
};

/** The module URL a spec's `module:` names: `fleetcast:NAME`, or a path relative to `baseDir`. */
export function resolveModuleUrl(reference: string, baseDir: string): string {
  if (reference.startsWith('fleetcast:')) {
    const name = reference.slice('fleetcast:'.length);
    const url = Object.hasOwn(BUILTIN_MODELS, name) ? BUILTIN_MODELS[name] : undefined;
    if (url === undefined) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `no built-in model "${reference}"`, {
        hint: `built-in models: ${Object.keys(BUILTIN_MODELS)
          .map((n) => `fleetcast:${n}`)
          .join(', ')}`,
      });
    }
    return url;
  }
  if (reference.startsWith('file:')) return reference;
  const path = isAbsolute(reference) ? reference : resolve(baseDir, reference);
  if (!existsSync(path)) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `simulation module ${path} does not exist`, {
      hint: 'module: is a path relative to the spec file, or fleetcast:seir / fleetcast:workload',
    });
  }
  return pathToFileURL(path).href;
}

const loaded = new Map<string, Promise<SimulationModule>>();

export function loadSimulationModule(url: string): Promise<SimulationModule> {
  let module = loaded.get(url);
  if (module === undefined) {
    module = importModule(url);
    loaded.set(url, module);
    module.catch(() => loaded.delete(url));
  }
  return module;
}

async function importModule(url: string): Promise<SimulationModule> {
  let module: { simulate?: unknown; default?: { simulate?: unknown } };
  try {
    module = await import(url);
  } catch (error) {
    if (!isTypeScript(url) || (error as { code?: string }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw cannotLoad(url, errorMessage(error));
    }
    module = await import(await compileTypeScript(url));
  }
  const simulate = typeof module.simulate === 'function' ? module.simulate : module.default?.simulate;
  if (typeof simulate !== 'function') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `simulation module ${url} exports no simulate function`, {
      hint: 'export function simulate(params, seed) { return { tableName: rows } }',
    });
  }
  return { simulate: simulate as SimulationModule['simulate'] };
}

function isTypeScript(url: string): boolean {
  return /\.(m?ts)$/.test(new URL(url).pathname);
}

function cannotLoad(url: string, reason: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `cannot load simulation module ${url}: ${reason}`, {
    hint: 'check the module path and that what it imports is installed',
  });
}

async function compileTypeScript(url: string): Promise<string> {
  const source = fileURLToPath(url);
  const text = readFileSync(source, 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  const target = join(dirname(source), `.${basename(source).replace(/\.m?ts$/, '')}.${hash}.fleetcast.mjs`);
  if (!existsSync(target)) {
    let ts: { transpileModule: (input: string, options: object) => { outputText: string } };
    try {
      ts = ((await import('typescript')) as { default: typeof ts }).default;
    } catch {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `cannot load the TypeScript module ${source}: this Node cannot run TypeScript and the typescript package is not installed`,
        { hint: 'compile it to .js (tsc), install typescript, or use Node ≥ 22.6 with type stripping' },
      );
    }
    const { outputText } = ts.transpileModule(text, {
      compilerOptions: { module: 99 /* ESNext */, target: 9 /* ES2022 */, sourceMap: false },
      fileName: source,
    });
    // Written under a temporary name and renamed: threads compiling at once never read half a file.
    const partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(partial, outputText);
    renameSync(partial, target);
  }
  return pathToFileURL(target).href;
}

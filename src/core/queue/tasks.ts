/**
 * The task registry: a task name resolves to the URL of a module whose default export is a
 * `TaskHandler`. Names, not functions, cross the queue, so the same task runs in a local worker
 * thread (which is sent the URL) or on a BullMQ worker host (which resolves the name itself: that
 * host must have registered the same names, which the built-ins do on import).
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { maskUrl } from '../config/mask.js';
import { errorMessage, FleetcastError } from '../errors.js';
import type { TaskHandler } from './types.js';

/** Dotted and namespaced (`core.sha256`, `acme.resize-image`), so plugins cannot collide by accident. */
const TASK_NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/;

const registry = new Map<string, string>();
const handlers = new Map<string, Promise<TaskHandler>>();

/**
 * Registers `name` → module. Re-registering the same URL is a no-op (modules may be imported twice);
 * a different URL is an error, since two hosts could otherwise run different code under one name.
 */
export function registerTask(name: string, moduleUrl: string | URL): void {
  if (!TASK_NAME.test(name)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `invalid task name "${name}"`, {
      hint: 'use a lowercase dotted name such as "core.sha256" or "acme.resize-image"',
    });
  }
  const url = toModuleUrl(moduleUrl);
  const existing = registry.get(name);
  if (existing !== undefined && existing !== url) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `task "${name}" is already registered`, {
      hint: `it points at ${maskUrl(existing)}; pick another name for ${maskUrl(url)}`,
      details: { task: name },
    });
  }
  registry.set(name, url);
}

/** The module URL of a registered task, or FLEETCAST_TASK_UNKNOWN naming the known tasks. */
export function resolveTask(name: string): string {
  const url = registry.get(name);
  if (url !== undefined) return url;
  const known = listTasks().map((task) => task.name);
  throw new FleetcastError('FLEETCAST_TASK_UNKNOWN', `no task is registered as "${name}"`, {
    hint: `known tasks: ${known.join(', ')}; register others with registerTask(name, moduleUrl)`,
    details: { task: name, known },
  });
}

export function listTasks(): Array<{ name: string; url: string }> {
  return [...registry.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, url]) => ({ name, url }));
}

/**
 * Imports a task module once per thread and returns its default export. A failed import is not
 * cached, so fixing the file (or a transient error) does not need a restart.
 */
export function loadTaskHandler(url: string): Promise<TaskHandler> {
  let handler = handlers.get(url);
  if (handler === undefined) {
    handler = importHandler(url);
    handlers.set(url, handler);
    handler.catch(() => handlers.delete(url));
  }
  return handler;
}

async function importHandler(url: string): Promise<TaskHandler> {
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `cannot load task module ${maskUrl(url)}: ${errorMessage(error)}`,
      {
        hint: 'check the URL passed to registerTask and that the module (and what it imports) exists',
        cause: error,
      },
    );
  }
  if (typeof module.default !== 'function') {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `task module ${maskUrl(url)} has no default-exported function`,
      {
        hint: 'export default a function (payload, context) => result',
      },
    );
  }
  return module.default as TaskHandler;
}

function toModuleUrl(moduleUrl: string | URL): string {
  if (moduleUrl instanceof URL) return moduleUrl.href;
  if (isAbsolute(moduleUrl)) return pathToFileURL(moduleUrl).href;
  try {
    return new URL(moduleUrl).href;
  } catch {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `task module "${moduleUrl}" is not a URL or absolute path`, {
      hint: "pass new URL('./my-task.js', import.meta.url) or an absolute path",
    });
  }
}

// Built-ins sit next to this file. Under vitest this file is the `.ts` source and the built-ins are
// `.ts` too (the pool's worker threads load them through ./ts-hooks.mjs); compiled, both are `.js`.
const builtinExtension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
for (const name of ['ping', 'sha256', 'flaky', 'spin']) {
  registerTask(`core.${name}`, new URL(`./builtin/${name}${builtinExtension}`, import.meta.url));
}

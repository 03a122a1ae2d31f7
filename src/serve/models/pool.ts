/**
 * The loaded-model pool: the served models (by reference, e.g. `churn@prod`), each answering with
 * its current version, plus a few other versions loaded on demand when a request names one. A
 * refresh re-resolves every served reference; when an alias moved, the new version is loaded
 * beside the old one and swapped in with one assignment — requests that started on the old
 * version finish on it (they hold a lease), new ones get the new version, none is dropped.
 */
import type { Logger } from 'pino';
import type { ServeConfig } from '../../core/config/schema.js';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { type ModelRegistry, type ModelVersion, parseModelReference } from '../../registry/index.js';
import type { ServeMetrics } from '../metrics/registry.js';
import { LoadedModel } from './loaded.js';

export interface ModelLease {
  model: LoadedModel;
  release(): void;
}

export interface ServedModel {
  name: string;
  reference: string;
  current: LoadedModel;
  /** The current version as last read from the registry (its aliases change without a swap). */
  info: ModelVersion;
}

export interface ModelSwap {
  name: string;
  from: number;
  to: number;
}

export interface ModelPoolOptions {
  registry: ModelRegistry;
  references: readonly string[];
  defaultModel?: string | undefined;
  batching: ServeConfig['batching'];
  metrics: ServeMetrics;
  logger: Logger;
  /** Versions other than the served ones kept loaded per model (least recently used go first). */
  maxExtraVersions?: number;
  /** How long an alias named in a request (`"version": "staging"`) is trusted before re-reading. */
  aliasTtlMs?: number;
}

export class ModelPool {
  readonly #options: ModelPoolOptions;
  readonly #served = new Map<string, ServedModel>();
  readonly #extras = new Map<string, LoadedModel>();
  readonly #loading = new Map<string, Promise<LoadedModel>>();
  readonly #aliases = new Map<string, { version: number; at: number }>();
  #refreshing: Promise<ModelSwap[]> | undefined;
  #closed = false;

  constructor(options: ModelPoolOptions) {
    this.#options = options;
  }

  /** Loads every served reference; fails naming the reference that cannot load. */
  async start(): Promise<void> {
    const seen = new Set<string>();
    for (const reference of this.#options.references) {
      const name = parseModelReference(reference).name;
      if (seen.has(name)) {
        throw new FleetcastError('FLEETCAST_USAGE', `model ${name} is listed twice in --models`, {
          hint: 'serve each model once; other versions are reachable with "version" in the request',
        });
      }
      seen.add(name);
    }
    for (const reference of this.#options.references) {
      const { name } = parseModelReference(reference);
      const model = await this.#load(reference).catch((error: unknown) => {
        throw new FleetcastError(
          error instanceof FleetcastError ? error.code : 'FLEETCAST_BACKEND_ERROR',
          `cannot serve ${reference}: ${errorMessage(error)}`,
          { hint: (error as FleetcastError).hint ?? 'check the reference with `fleetcast models list`', cause: error },
        );
      });
      this.#served.set(name, { name, reference, current: model, info: model.version });
      this.#showInfo(undefined, model, reference);
    }
    const wanted = this.#options.defaultModel;
    if (wanted !== undefined && !this.#served.has(wanted)) {
      throw new FleetcastError('FLEETCAST_USAGE', `the default model ${wanted} is not among the served models`, {
        hint: `serve it (--models ${wanted}@prod,…) or choose one of ${this.names().join(', ')}`,
      });
    }
    this.#countLoaded();
  }

  names(): string[] {
    return [...this.#served.keys()];
  }

  get defaultName(): string | undefined {
    return this.#options.defaultModel ?? this.names()[0];
  }

  list(): ServedModel[] {
    return [...this.#served.values()];
  }

  served(name: string): ServedModel {
    const served = this.#served.get(name);
    if (!served) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `model "${truncate(name)}" is not served here`, {
        details: { served: this.names() },
      });
    }
    return served;
  }

  /** A lease on the version to answer with: the served one, or `version` (a number or an alias). */
  async acquire(name: string, version?: number | string): Promise<ModelLease> {
    if (this.#closed) throw new FleetcastError('FLEETCAST_NOT_READY', 'the service is stopping');
    const served = this.served(name);
    const wanted = await this.#versionNumber(served, version);
    let model = served.current;
    if (wanted !== undefined && wanted !== model.number) model = await this.#extra(name, wanted);
    return { model, release: model.acquire() };
  }

  /** Re-resolves every served reference and swaps the versions whose alias moved. */
  refresh(): Promise<ModelSwap[]> {
    this.#refreshing ??= this.#refreshAll().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  get loadedCount(): number {
    return this.#served.size + this.#extras.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#refreshing?.catch(() => {});
    const models = [...this.#served.values()].map((s) => s.current).concat([...this.#extras.values()]);
    await Promise.all(models.map((m) => m.close()));
  }

  async #refreshAll(): Promise<ModelSwap[]> {
    const swaps: ModelSwap[] = [];
    for (const served of this.#served.values()) {
      if (this.#closed) break;
      const reference = parseModelReference(served.reference);
      if ('version' in reference) continue; // NAME:3 never moves
      try {
        const latest = await this.#options.registry.resolve(served.reference);
        if (latest.version === served.current.number) {
          served.info = latest;
          continue;
        }
        const next = await this.#load(`${served.name}:${latest.version}`);
        if (this.#closed) {
          await next.close();
          break;
        }
        const previous = served.current;
        served.current = next; // the swap: one assignment, between two requests
        served.info = latest;
        previous.retire();
        this.#showInfo(previous, next, served.reference);
        this.#options.metrics.modelSwaps.inc({ model: served.name });
        this.#options.logger.info(
          { model: served.name, from: previous.number, to: next.number, reference: served.reference },
          'model swapped',
        );
        swaps.push({ name: served.name, from: previous.number, to: next.number });
      } catch (error) {
        // The old version keeps serving; the next refresh tries again.
        this.#options.logger.warn({ model: served.name, err: errorMessage(error) }, 'model refresh failed');
      }
    }
    this.#countLoaded();
    return swaps;
  }

  async #versionNumber(served: ServedModel, version: number | string | undefined): Promise<number | undefined> {
    if (version === undefined) return undefined;
    if (typeof version === 'number' || /^\d+$/.test(version)) {
      const number = Number(version);
      if (!Number.isSafeInteger(number) || number < 1) {
        throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `version ${version} is not a positive integer`);
      }
      return number;
    }
    const key = `${served.name}@${version}`;
    const cached = this.#aliases.get(key);
    const ttl = this.#options.aliasTtlMs ?? 5000;
    if (cached && Date.now() - cached.at < ttl) return cached.version;
    const resolved = await this.#options.registry.resolve(key);
    this.#aliases.set(key, { version: resolved.version, at: Date.now() });
    return resolved.version;
  }

  async #extra(name: string, version: number): Promise<LoadedModel> {
    const key = `${name}:${version}`;
    const existing = this.#extras.get(key);
    if (existing) {
      this.#extras.delete(key); // re-insert: most recently used last
      this.#extras.set(key, existing);
      return existing;
    }
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(key).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    const model = await loading;
    if (!this.#extras.has(key)) {
      this.#extras.set(key, model);
      this.#evict(name);
      this.#countLoaded();
    }
    return model;
  }

  #evict(name: string): void {
    const limit = this.#options.maxExtraVersions ?? 4;
    const mine = [...this.#extras.keys()].filter((key) => key.startsWith(`${name}:`));
    for (const key of mine.slice(0, Math.max(0, mine.length - limit))) {
      this.#extras.get(key)?.retire();
      this.#extras.delete(key);
    }
  }

  async #load(reference: string): Promise<LoadedModel> {
    const { version, predictor } = await this.#options.registry.load(reference);
    const batching = this.#options.batching.models[version.name] ?? this.#options.batching;
    return new LoadedModel(version, predictor, batching, this.#options.metrics);
  }

  #showInfo(previous: LoadedModel | undefined, next: LoadedModel, reference: string): void {
    const info = this.#options.metrics.modelInfo;
    if (previous) {
      info.remove({
        model: previous.name,
        version: String(previous.number),
        flavor: previous.predictor.flavor,
        reference,
      });
    }
    info.set({ model: next.name, version: String(next.number), flavor: next.predictor.flavor, reference }, 1);
  }

  #countLoaded(): void {
    this.#options.metrics.modelsLoaded.set(this.loadedCount);
  }
}

const truncate = (text: string) => (text.length > 100 ? `${text.slice(0, 100)}…` : text);

/**
 * Shadow deployment: for a served model, a second version (`serve.shadow: {cost: cost@staging}`)
 * receives every request's input after the primary answered — off the request path, its answer
 * discarded — and how often the two agree is kept per model (ShadowAgreement, a rolling window) and
 * exported as fleetcast_shadow_agreement_ratio: the evidence for promoting it. The shadow follows
 * its alias like a served model; a new version on either side starts a new count.
 */
import type { Logger } from 'pino';
import type { ServeConfig } from '../../core/config/schema.js';
import { errorMessage, FleetcastError } from '../../core/errors.js';
import { type ModelRegistry, parseModelReference } from '../../registry/index.js';
import { ShadowAgreement, type ShadowAgreementSnapshot } from '../drift/index.js';
import type { ServeMetrics } from '../metrics/registry.js';
import type { Row } from './fields.js';
import { LoadedModel } from './loaded.js';

interface Shadow {
  name: string;
  reference: string;
  model: LoadedModel;
  agreement: ShadowAgreement;
  /** The primary version the agreement counts against. */
  primaryVersion: number | undefined;
}

export interface ShadowView {
  reference: string;
  version: number;
  agreement: ShadowAgreementSnapshot;
}

export class ShadowTraffic {
  readonly #shadows = new Map<string, Shadow>();
  #closed = false;

  constructor(
    private readonly options: {
      registry: ModelRegistry;
      shadows: Record<string, string>;
      batching: ServeConfig['batching'];
      metrics: ServeMetrics;
      logger: Logger;
    },
  ) {}

  async start(served: readonly string[]): Promise<void> {
    for (const [name, reference] of Object.entries(this.options.shadows)) {
      if (!served.includes(name)) {
        throw new FleetcastError('FLEETCAST_USAGE', `serve.shadow names ${name}, which is not served`, {
          hint: `shadow one of ${served.join(', ')}`,
        });
      }
      if (parseModelReference(reference).name !== name) {
        throw new FleetcastError(
          'FLEETCAST_USAGE',
          `the shadow of ${name} must be a version of ${name}, not ${reference}`,
        );
      }
      const model = await this.#load(reference);
      this.#shadows.set(name, { name, reference, model, agreement: new ShadowAgreement(), primaryVersion: undefined });
    }
  }

  /** Sends the input to the shadow of `primary` (if any) and records whether the answers agree. */
  mirror(primary: LoadedModel, row: Row, output: Row): void {
    const shadow = this.#shadows.get(primary.name);
    if (!shadow || this.#closed) return;
    if (shadow.primaryVersion !== primary.number) {
      shadow.primaryVersion = primary.number;
      shadow.agreement.reset();
    }
    const model = shadow.model;
    const release = model.acquire();
    model
      .submit(row)
      .then((outcome) => {
        // A shadow that cannot answer what the primary answered disagrees.
        if (shadow.model === model) shadow.agreement.record(output, outcome.ok ? outcome.output : undefined);
      })
      .catch(() => {})
      .finally(release);
  }

  view(name: string): ShadowView | undefined {
    const shadow = this.#shadows.get(name);
    if (!shadow) return undefined;
    return { reference: shadow.reference, version: shadow.model.number, agreement: shadow.agreement.snapshot() };
  }

  rates(): Array<{ model: string; shadowVersion: number; rate: number }> {
    return [...this.#shadows.values()].flatMap((s) =>
      s.agreement.rate === null ? [] : [{ model: s.name, shadowVersion: s.model.number, rate: s.agreement.rate }],
    );
  }

  get count(): number {
    return this.#shadows.size;
  }

  /** Follows each shadow's alias; a new shadow version starts a new agreement count. */
  async refresh(): Promise<void> {
    for (const shadow of this.#shadows.values()) {
      if (this.#closed || 'version' in parseModelReference(shadow.reference)) continue;
      try {
        const latest = await this.options.registry.resolve(shadow.reference);
        if (latest.version === shadow.model.number) continue;
        const next = await this.#load(`${shadow.name}:${latest.version}`);
        const previous = shadow.model;
        shadow.model = next;
        shadow.agreement.reset();
        previous.retire();
        this.options.logger.info({ model: shadow.name, shadow: next.number }, 'shadow version swapped');
      } catch (error) {
        this.options.logger.warn({ model: shadow.name, err: errorMessage(error) }, 'shadow refresh failed');
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#shadows.values()].map((s) => s.model.close()));
  }

  async #load(reference: string): Promise<LoadedModel> {
    const { version, predictor } = await this.options.registry.load(reference);
    const batching = this.options.batching.models[version.name] ?? this.options.batching;
    return new LoadedModel(version, predictor, batching, this.options.metrics, `${version.name}:shadow`);
  }
}

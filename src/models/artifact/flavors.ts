/**
 * Model flavors share one interface (DESIGN.md): `load(dir) → Predictor { signature; predict(batch) }`.
 * Each flavor registers a loader here; `loadModel` reads and verifies the folder, then dispatches on
 * the manifest's flavor.
 */
import { FleetcastError } from '../../core/errors.js';
import { type Flavor, type LoadedModelFiles, type ModelManifest, readModel } from './manifest.js';

export interface Predictor<Input = unknown, Output = unknown> {
  readonly flavor: Flavor;
  readonly signature: ModelManifest['signature'];
  readonly manifest: ModelManifest;
  /**
   * Row-wise predictors (the default) answer one output row per input row. Others (a fleet
   * forecaster: rows name series, answers are steps ahead) return rows that carry their own `key`.
   */
  readonly rowwise?: boolean;
  /** A reason this model cannot answer for `row` (beyond the signature), or undefined. */
  accepts?(row: Record<string, unknown>): string | undefined;
  predict(batch: Input): Promise<Output>;
  /** Frees what the model holds outside the heap (sessions, their threads); absent when nothing does. */
  dispose?(): Promise<void>;
}

export type FlavorLoader = (files: LoadedModelFiles) => Promise<Predictor> | Predictor;

const loaders = new Map<Flavor, FlavorLoader>();

export function registerFlavor(flavor: Flavor, loader: FlavorLoader): void {
  const existing = loaders.get(flavor);
  if (existing && existing !== loader) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `flavor ${flavor} is already registered`, {
      hint: 'register each flavor once',
    });
  }
  loaders.set(flavor, loader);
}

export async function loadModel(dir: string): Promise<Predictor> {
  const files = readModel(dir);
  const loader = loaders.get(files.manifest.flavor);
  if (!loader) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `no loader for flavor ${files.manifest.flavor} (model ${dir})`, {
      hint: `flavors available here: ${[...loaders.keys()].join(', ') || 'none'}`,
    });
  }
  return loader(files);
}

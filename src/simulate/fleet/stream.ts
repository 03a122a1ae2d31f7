/**
 * The fleet as a stream: resources one after another, each as its summary followed by its batches.
 * Only one resource is ever in memory, so a fleet of any size streams.
 */
import { FleetcastError } from '../../core/index.js';
import { ARCHETYPES } from '../archetypes/index.js';
import type { TimeGrid } from '../generator/types.js';
import { assignArchetypes, planResource } from './plan.js';
import { type ResourceOutput, simulateResource } from './resource.js';
import type { FleetSpec } from './spec.js';

export interface StreamOptions {
  /** Rows per batch (default 8192). */
  batchRows?: number;
  /** Largest resource kept in memory between measuring and emitting (default 1,000,000 rows). */
  bufferRows?: number;
}

export function gridOf(spec: FleetSpec): TimeGrid {
  return { startMs: spec.startMs, stepMs: spec.stepMs, rows: spec.rowsPerResource };
}

export function* simulateFleet(spec: FleetSpec, options: StreamOptions = {}): Generator<ResourceOutput> {
  const archetypes = assignArchetypes(spec);
  const grid = gridOf(spec);
  const resourceOptions = { batchRows: options.batchRows ?? 8192, bufferRows: options.bufferRows ?? 1_000_000 };
  if (!Number.isInteger(resourceOptions.batchRows) || resourceOptions.batchRows < 1) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `batch size ${resourceOptions.batchRows} is not a whole number ≥ 1`,
      {
        hint: 'pass batchRows ≥ 1 (default 8192)',
      },
    );
  }
  for (let index = 0; index < spec.fleet; index++) {
    const archetype = ARCHETYPES[archetypes[index] ?? 0];
    if (!archetype) continue;
    yield simulateResource(planResource(spec, index, archetype), grid, resourceOptions);
  }
}

/**
 * The demo app's shape: a frontend calling a catalog and a cart, both calling a database. Each
 * request costs its service some CPU, and the database serves at a fixed rate (a queue with fixed
 * service time), so the entry's throughput saturates at a capacity fixed by configuration rather
 * than by whatever else this machine is doing.
 */
import { FleetcastError } from '../../core/errors.js';

export interface DemoServiceSpec {
  name: string;
  /** Downstream services called, one after the other, for each request. */
  calls: string[];
  /** CPU time spent per request (busy work), milliseconds. */
  cpuMs: number;
  /** A fixed-rate server: `concurrency` slots, each held for `serviceTimeMs` per request. */
  slots?: { concurrency: number; serviceTimeMs: number };
}

export interface DemoTopology {
  namespace: string;
  entry: string;
  services: DemoServiceSpec[];
  /** CPU request declared for every service (cores), as a Deployment would. */
  cpuRequest: number;
}

export const DEFAULT_CAPACITY = 50;

/** The default topology whose entry saturates at `capacity` requests per second. */
export function defaultTopology(capacity = DEFAULT_CAPACITY, namespace = 'demo'): DemoTopology {
  if (!(capacity > 0 && capacity <= 1000)) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `demo capacity must be in (0, 1000] req/s, got ${capacity}`,
      {
        hint: 'e.g. --capacity 50',
      },
    );
  }
  const dbVisits = 2;
  return {
    namespace,
    entry: 'frontend',
    cpuRequest: 0.1,
    services: [
      { name: 'frontend', calls: ['catalog', 'cart'], cpuMs: 0.4 },
      { name: 'catalog', calls: ['db'], cpuMs: 0.3 },
      { name: 'cart', calls: ['db'], cpuMs: 0.3 },
      { name: 'db', calls: [], cpuMs: 0.3, slots: { concurrency: 1, serviceTimeMs: 1000 / (capacity * dbVisits) } },
    ],
  };
}

/** Requests each service receives per request to the entry. */
export function visitsPerEntryRequest(topology: DemoTopology): Map<string, number> {
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const visits = new Map<string, number>();
  const walk = (name: string, depth: number): void => {
    const service = byName.get(name);
    if (!service) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `demo topology calls unknown service "${name}"`);
    }
    if (depth > byName.size) throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'demo topology has a call cycle');
    visits.set(name, (visits.get(name) ?? 0) + 1);
    for (const call of service.calls) walk(call, depth + 1);
  };
  walk(topology.entry, 0);
  return visits;
}

/** Entry requests per second at saturation: the tightest fixed-rate service, divided by its visits. */
export function capacityOf(topology: DemoTopology): number {
  const visits = visitsPerEntryRequest(topology);
  let capacity = Number.POSITIVE_INFINITY;
  for (const service of topology.services) {
    if (!service.slots) continue;
    const rate = (service.slots.concurrency * 1000) / service.slots.serviceTimeMs;
    capacity = Math.min(capacity, rate / (visits.get(service.name) ?? 1));
  }
  return capacity;
}

/** Starting order: a service after everything it calls. */
export function startOrder(topology: DemoTopology): DemoServiceSpec[] {
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const ordered: DemoServiceSpec[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const call of byName.get(name)?.calls ?? []) visit(call);
    ordered.push(byName.get(name)!);
  };
  for (const service of topology.services) visit(service.name);
  return ordered;
}

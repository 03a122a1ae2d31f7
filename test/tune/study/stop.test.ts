import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MetadataStore, openMetadataStore } from '../../../src/core/metadata/index.js';
import { openWorkQueue, type WorkQueue } from '../../../src/core/queue/index.js';
import {
  BENCHMARKS,
  EXAMPLE_TASK,
  requestStop,
  runStudy,
  SqlStudy,
  samplerSpec,
  stopRequests,
  studyStatus,
  trialAttempts,
  watchStop,
} from '../../../src/tune/index.js';
import { metadataTargets } from '../../helpers/services.js';

const branin = BENCHMARKS.branin!;

describe.each(metadataTargets())('stopping a study cleanly on $name', (target) => {
  let url: string;
  let cleanup: () => Promise<void>;
  let store: MetadataStore;
  /** A second connection: `fleetcast tune stop` runs in another process. */
  let other: MetadataStore;
  let queue: WorkQueue;

  beforeAll(async () => {
    ({ url, cleanup } = await target.open());
    store = await openMetadataStore(url);
    other = await openMetadataStore(url);
    queue = openWorkQueue({ concurrency: 2 });
  });
  afterAll(async () => {
    await queue?.close();
    await other?.close();
    await store?.close();
    await cleanup?.();
  });

  it('stops asking on a stop request, tells every trial in flight, and resumes later', async () => {
    const name = 'stoppable';
    const study = await SqlStudy.open(store, { name, space: branin.space, sampler: samplerSpec('random', 3) });
    const watch = await watchStop(store, name, { intervalMs: 20 });
    let requested = false;
    const summary = await runStudy(study, queue, {
      task: EXAMPLE_TASK,
      // 100 ms per evaluation: trials are in flight when the request lands.
      input: { function: 'branin', costMs: 100 },
      trials: 1_000,
      maxInFlight: 2,
      stop: watch.signal,
      onProgress: (p) => {
        if (p.told >= 4 && !requested) {
          requested = true;
          void requestStop(other, name, 'test');
        }
      },
    });
    watch.close();
    expect(summary.stopped).toBe(true);
    expect(summary.running).toBe(0);
    expect(summary.told).toBeGreaterThanOrEqual(4);
    expect(summary.told).toBeLessThan(40);
    // Every trial asked was finished and told: nothing is left leased.
    const attempts = await trialAttempts(store, name);
    expect(attempts.every((a) => a.state === 'completed')).toBe(true);
    expect(attempts).toHaveLength(summary.told);

    const status = await studyStatus(other, name);
    expect(status.stopRequestedAt).toBe((await stopRequests(other, name))[0]!.requestedAt);

    // A later run is not stopped by the old request, and ends at its target.
    const resumed = await SqlStudy.open(store, { name });
    const again = await watchStop(store, name, { intervalMs: 20 });
    const rest = await runStudy(resumed, queue, {
      task: EXAMPLE_TASK,
      input: { function: 'branin' },
      trials: summary.told + 10,
      stop: again.signal,
    });
    again.close();
    expect(rest).toMatchObject({ stopped: false, told: summary.told + 10, completed: summary.told + 10 });
  });

  it('refuses to stop a study that does not exist', async () => {
    await expect(requestStop(other, 'never-made')).rejects.toMatchObject({ code: 'FLEETCAST_NOT_FOUND' });
  });
});

/**
 * A chronos model served over a real socket: POST /api/v1/models/{name}/predict takes
 * {"input": {"series": [...], "horizon": H}} and answers {horizon, mean, quantiles{"0.1": …}}, the
 * shape of the other forecasters; a batch shares the model calls; bad series are 400s.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveChronosModel, tinyChronosBoltForward, writeTinyChronosBolt } from '../../../src/models/index.js';
import { type OpenRegistry, openRegistry } from '../../../src/registry/index.js';
import { buildServeApp, type ServeApp } from '../../../src/serve/index.js';
import { tempDir } from '../../helpers/services.js';
import { call, configFor, listen } from '../../serve/fixtures.js';
import { expectClose, LEVELS, series } from './helpers.js';

const temp = tempDir('fleetcast-chronos-serve-');
let opened: OpenRegistry;
let serve: ServeApp;
let base: string;

beforeAll(async () => {
  const config = configFor(temp.path);
  opened = await openRegistry(config);
  writeTinyChronosBolt(join(temp.path, 'bolt'), { contextLength: 16, predictionLength: 4 });
  await saveChronosModel(join(temp.path, 'bolt'), join(temp.path, 'model'));
  await opened.registry.register('capacity', join(temp.path, 'model'), { env: 'prod' });
  serve = await buildServeApp({ config, registry: opened, models: ['capacity@prod'] });
  base = await listen(serve);
});

afterAll(async () => {
  await serve?.close();
  await opened?.close();
  temp.remove();
});

describe('serving a chronos model', () => {
  it('forecasts a posted series with the quantiles of the other forecasters', async () => {
    const history = series(30);
    const reply = await call(base, '/api/v1/models/capacity/predict', {
      body: { input: { series: history, horizon: 6 } },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ model: 'capacity', version: 1, horizon: 6 });
    expect(Object.keys(reply.body.quantiles)).toEqual(LEVELS.map(String));
    expect(reply.body.mean).toEqual(reply.body.quantiles['0.5']);
    const closed = tinyChronosBoltForward(history.slice(-16), { predictionLength: 4 });
    expectClose(
      LEVELS.map((level) => reply.body.quantiles[String(level)].slice(0, 4)),
      closed,
    );
    const gappy = await call(base, '/api/v1/models/capacity/predict', { body: { input: { series: [3, null, 5] } } });
    expect(gappy.status).toBe(200);
    expect(gappy.body.horizon).toBe(4);
    expect(gappy.body.mean[0]).toBeCloseTo(tinyChronosBoltForward([3, 5], { predictionLength: 4 })[4]![0]!, 4);
  });

  it('answers a batch in order and refuses bad inputs with a 400 envelope', async () => {
    const inputs = [1, 2, 3].map((seed) => ({ series: series(20, seed), horizon: 4 }));
    const batch = await call(base, '/api/v1/models/capacity/batch', { body: { inputs } });
    expect(batch.status).toBe(200);
    batch.body.predictions.forEach((p: { mean: number[] }, i: number) => {
      expect(p.mean[0]).toBeCloseTo(
        tinyChronosBoltForward(series(20, i + 1).slice(-16), { predictionLength: 4 })[4]![0]!,
        3,
      );
    });
    const cases: Array<[unknown, RegExp]> = [
      [{ series: [null, null] }, /series: no observed value/],
      [{ series: [1, 2], horizon: 41 }, /horizon must be an integer between 1 and 40/],
      [{ series: 'abc' }, /series point 0/],
      [{ series: [1, 2], steps: 3 }, /unknown field "steps"/],
      [{ horizon: 3 }, /input\.series is required/],
    ];
    for (const [input, message] of cases) {
      const reply = await call(base, '/api/v1/models/capacity/predict', { body: { input } });
      expect(reply.status, JSON.stringify(input)).toBe(400);
      expect(reply.body.error.code).toBe('FLEETCAST_INVALID_ARGUMENT');
      expect(reply.body.error.message).toMatch(message);
      expect(reply.body.request_id).toBeTruthy();
    }
  });
});

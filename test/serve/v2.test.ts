/** The Open Inference Protocol v2 on the same server: health, metadata, infer with tensor JSON, {error}. */
import { describe, expect, it } from 'vitest';
import { call, servedFixture } from './fixtures.js';

const served = servedFixture();

describe('open inference protocol v2', () => {
  it('reports server metadata, liveness and readiness', async () => {
    expect((await call(served.base, '/v2')).body).toMatchObject({ name: 'fleetcast', extensions: [] });
    expect((await call(served.base, '/v2/health/live')).body).toEqual({ live: true });
    expect((await call(served.base, '/v2/health/ready')).body).toEqual({ ready: true });
    expect((await call(served.base, '/v2/models/cost/ready')).body).toEqual({
      name: 'cost',
      version: '1',
      ready: true,
    });
    expect((await call(served.base, '/v2/models/cost/versions/1/ready')).status).toBe(200);
  });

  it('describes a model with tensor datatypes and shapes', async () => {
    const meta = await call(served.base, '/v2/models/cost');
    expect(meta.body).toEqual({
      name: 'cost',
      versions: ['1'],
      platform: 'fleetcast-onnx',
      inputs: [
        { name: 'cpu', datatype: 'FP64', shape: [-1] },
        { name: 'memory', datatype: 'FP64', shape: [-1] },
        { name: 'spot', datatype: 'FP64', shape: [-1] },
      ],
      outputs: [{ name: 'hourly_cost', datatype: 'FP64', shape: [-1] }],
    });
    expect((await call(served.base, '/v2/models/perf/versions/1')).body.inputs[0]).toEqual({
      name: 'service',
      datatype: 'BYTES',
      shape: [-1],
    });
  });

  it('infers from one tensor per input field', async () => {
    const reply = await call(served.base, '/v2/models/cost/infer', {
      body: {
        id: 'req-1',
        inputs: [
          { name: 'cpu', shape: [2], datatype: 'FP32', data: [1, 2] },
          { name: 'memory', shape: [2, 1], datatype: 'FP64', data: [[10], [20]] },
          { name: 'spot', shape: [2], datatype: 'INT32', data: [0, 1] },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ model_name: 'cost', model_version: '1', id: 'req-1' });
    const [out] = reply.body.outputs;
    expect(out).toMatchObject({ name: 'hourly_cost', datatype: 'FP64', shape: [2] });
    expect(out.data[0]).toBeCloseTo(0.04 + 0.05 + 0.01, 5);
    expect(out.data[1]).toBeCloseTo(0.08 + 0.1 - 0.02 + 0.01, 5);
  });

  it("infers from the graph's own [N, k] tensor, and on a named version", async () => {
    const reply = await call(served.base, '/v2/models/cost/versions/1/infer', {
      body: { inputs: [{ name: 'X', shape: [1, 3], datatype: 'FP32', data: [1, 10, 0] }] },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.outputs[0].data[0]).toBeCloseTo(0.1, 5);
  });

  it('speaks BYTES for text inputs and forecasts as rows of steps', async () => {
    const perf = await call(served.base, '/v2/models/perf/infer', {
      body: {
        inputs: [
          { name: 'service', shape: [1], datatype: 'BYTES', data: ['api'] },
          { name: 'users', shape: [1], datatype: 'FP64', data: [25] },
        ],
        outputs: [{ name: 'cpu' }],
      },
    });
    expect(perf.status).toBe(200);
    expect(perf.body.outputs.map((o: { name: string }) => o.name)).toEqual(['cpu']);
    const fleet = await call(served.base, '/v2/models/fleet/infer', {
      body: { inputs: [{ name: 'id', shape: [2], datatype: 'BYTES', data: ['a', 'b'] }] },
    });
    expect(fleet.status).toBe(200);
    const series = fleet.body.outputs.find((o: { name: string }) => o.name === 'series_id');
    expect(series.shape).toEqual([12]);
    const single = await call(served.base, '/v2/models/fc/infer', {
      body: { inputs: [{ name: 'horizon', shape: [1], datatype: 'INT64', data: [4] }] },
    });
    const mean = single.body.outputs.find((o: { name: string }) => o.name === 'mean');
    expect(mean).toMatchObject({ datatype: 'FP64', shape: [1, 4] });
  });

  it('answers bad requests with {error} and 400, unknown models with 404', async () => {
    const cases: Array<[string, unknown, number]> = [
      ['/v2/models/cost/infer', { inputs: [] }, 400],
      ['/v2/models/cost/infer', { inputs: [{ name: 'cpu', shape: [2], datatype: 'FP32', data: [1] }] }, 400],
      ['/v2/models/cost/infer', { inputs: [{ name: 'gpu', shape: [1], datatype: 'FP32', data: [1] }] }, 400],
      ['/v2/models/cost/infer', { inputs: [{ name: 'cpu', shape: [1], datatype: 'BYTES', data: ['x'] }] }, 400],
      ['/v2/models/cost/infer', { inputs: [{ name: 'cpu', shape: [1], datatype: 'FP99', data: [1] }] }, 400],
      ['/v2/models/ghost/infer', { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }, 404],
      [
        '/v2/models/cost/versions/9/infer',
        { inputs: [{ name: 'X', shape: [1, 3], datatype: 'FP32', data: [1, 1, 1] }] },
        404,
      ],
    ];
    for (const [path, body, status] of cases) {
      const reply = await call(served.base, path, { body });
      expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(typeof reply.body.error).toBe('string');
    }
    const malformed = await call(served.base, '/v2/models/cost/infer', { raw: '{' });
    expect(malformed.status).toBe(400);
    expect(typeof malformed.body.error).toBe('string');
    expect((await call(served.base, '/v2/nothing')).body).toHaveProperty('error');
  });
});

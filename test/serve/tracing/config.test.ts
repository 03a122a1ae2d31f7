/** `serve.tracing`: off by default, validated at load, Fleetcast's settings over the OTEL_ variables. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load.js';
import { tempDir } from '../../helpers/services.js';

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const tracing = (env: NodeJS.ProcessEnv = {}) => loadConfig({ cwd: dir.path, env }).serve.tracing;

describe('serve.tracing', () => {
  it('is off by default, with the default service name and every new trace kept', () => {
    expect(tracing()).toEqual({
      endpoint: undefined,
      endpointFrom: undefined,
      serviceName: 'fleetcast-serve',
      sampleRatio: 1,
    });
  });

  it('takes the collector address and adds /v1/traces unless it is there', () => {
    expect(tracing({ FLEETCAST_SERVE_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({
      endpoint: 'http://collector:4318/v1/traces',
      endpointFrom: 'serve.tracing.otlp_endpoint',
    });
    expect(tracing({ FLEETCAST_SERVE_OTLP_ENDPOINT: 'https://otel.example/prefix/' }).endpoint).toBe(
      'https://otel.example/prefix/v1/traces',
    );
    expect(tracing({ FLEETCAST_SERVE_OTLP_ENDPOINT: 'http://collector:4318/v1/traces' }).endpoint).toBe(
      'http://collector:4318/v1/traces',
    );
    writeFileSync(
      join(dir.path, 'fleetcast.yaml'),
      'serve:\n  tracing:\n    otlp_endpoint: http://jaeger:4318\n    service_name: cost-api\n    sample_ratio: 0.1\n',
    );
    expect(tracing()).toEqual({
      endpoint: 'http://jaeger:4318/v1/traces',
      endpointFrom: 'serve.tracing.otlp_endpoint',
      serviceName: 'cost-api',
      sampleRatio: 0.1,
    });
  });

  it('refuses a bad endpoint at load, naming the setting, where it came from and what is expected', () => {
    for (const bad of ['collector:4318', 'ftp://collector', 'not a url', 'http://']) {
      expect(() => tracing({ FLEETCAST_SERVE_OTLP_ENDPOINT: bad })).toThrow(
        expect.objectContaining({
          code: 'FLEETCAST_CONFIG_INVALID',
          message: expect.stringMatching(
            /serve\.tracing\.otlp_endpoint = .* \(from FLEETCAST_SERVE_OTLP_ENDPOINT\): expected an http:\/\/ or https:\/\/ URL/,
          ),
        }),
      );
    }
    // Credentials in a refused URL are masked like any other.
    expect(() => tracing({ FLEETCAST_SERVE_OTLP_ENDPOINT: 'ftp://user:hunter2@collector' })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('ftp://user:***@collector') }),
    );
    expect(() => tracing({ FLEETCAST_SERVE_TRACING_SAMPLE_RATIO: '1.5' })).toThrow(
      /serve\.tracing\.sample_ratio = 1\.5 \(from FLEETCAST_SERVE_TRACING_SAMPLE_RATIO\)/,
    );
    writeFileSync(join(dir.path, 'fleetcast.yaml'), 'serve:\n  tracing:\n    otlp_endpoint: localhost:4318\n');
    expect(() => tracing()).toThrow(/serve\.tracing\.otlp_endpoint = "localhost:4318" \(from .*fleetcast\.yaml\)/);
  });

  it('falls back on the standard OTEL_ variables, and Fleetcast’s own settings win over them', () => {
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-agent:4318',
      OTEL_SERVICE_NAME: 'from-otel',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    };
    expect(tracing(otel)).toEqual({
      endpoint: 'http://otel-agent:4318/v1/traces',
      endpointFrom: 'OTEL_EXPORTER_OTLP_ENDPOINT',
      serviceName: 'from-otel',
      sampleRatio: 0.25,
    });
    // The signal-specific variable is a full URL, used as it is, and beats the general one.
    expect(tracing({ ...otel, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom' })).toMatchObject({
      endpoint: 'http://traces:9999/custom',
      endpointFrom: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    });
    expect(
      tracing({
        ...otel,
        FLEETCAST_SERVE_OTLP_ENDPOINT: 'http://mine:4318',
        FLEETCAST_SERVE_TRACING_SERVICE_NAME: 'mine',
        FLEETCAST_SERVE_TRACING_SAMPLE_RATIO: '0.5',
      }),
    ).toEqual({
      endpoint: 'http://mine:4318/v1/traces',
      endpointFrom: 'serve.tracing.otlp_endpoint',
      serviceName: 'mine',
      sampleRatio: 0.5,
    });
    expect(tracing({ ...otel, OTEL_TRACES_SAMPLER: 'always_off' }).sampleRatio).toBe(0);
    expect(tracing({ ...otel, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '' }).sampleRatio).toBe(1);
  });

  it('turns off with OTEL_SDK_DISABLED=true, whatever names an endpoint', () => {
    expect(
      tracing({
        OTEL_SDK_DISABLED: 'true',
        FLEETCAST_SERVE_OTLP_ENDPOINT: 'http://mine:4318',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
      }).endpoint,
    ).toBeUndefined();
  });

  it('refuses bad OTEL_ values by name when they would be used, and ignores them when tracing is off', () => {
    expect(() => tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'otel:4318' })).toThrow(
      expect.objectContaining({
        code: 'FLEETCAST_CONFIG_INVALID',
        message: expect.stringMatching(/OTEL_EXPORTER_OTLP_ENDPOINT = "otel:4318" \(from environment\)/),
      }),
    );
    expect(() => tracing({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://otel' })).toThrow(
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT/,
    );
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' };
    expect(() => tracing({ ...on, OTEL_TRACES_SAMPLER_ARG: 'half' })).toThrow(/OTEL_TRACES_SAMPLER_ARG = "half"/);
    expect(() => tracing({ ...on, OTEL_TRACES_SAMPLER: 'jaeger_remote' })).toThrow(/OTEL_TRACES_SAMPLER/);
    // Off: a stray sampler variable must not break every other verb.
    expect(tracing({ OTEL_TRACES_SAMPLER_ARG: 'half' }).endpoint).toBeUndefined();
    // A Fleetcast endpoint makes the OTEL_ endpoints irrelevant, so they are not checked.
    expect(
      tracing({ OTEL_EXPORTER_OTLP_ENDPOINT: 'nonsense', FLEETCAST_SERVE_OTLP_ENDPOINT: 'http://a:1' }).endpoint,
    ).toBe('http://a:1/v1/traces');
  });

  it('rejects unknown keys under serve.tracing', () => {
    writeFileSync(join(dir.path, 'fleetcast.yaml'), 'serve:\n  tracing:\n    endpoint: http://x:4318\n');
    expect(() => tracing()).toThrow(/serve\.tracing.*endpoint/);
  });
});

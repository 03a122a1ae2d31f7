/**
 * How the service talks to each kind of Predictor (the flavors are used as they are):
 * - row-wise models (onnx, performance, text-classifier): one input object → one output object;
 * - a single forecaster: `{horizon}` → `{mean[], quantiles{"0.1": [...], …}}`;
 * - a fleet forecaster (one forecaster per series): `{<series column>, horizon?}` → the series' next
 *   steps with their quantiles.
 * A batch that fails is retried input by input, so one bad input never fails its neighbours.
 */
import { FleetcastError } from '../../core/errors.js';
import type { FieldSpec, Predictor } from '../../models/index.js';
import { checkRow, invalidInput, isObject, type Row } from './fields.js';

export type Outcome = { ok: true; output: Row } | { ok: false; error: unknown };

export interface ModelAdapter {
  /** What a request may send as `input`, for the docs and the v2 metadata. */
  readonly inputs: readonly FieldSpec[];
  readonly outputs: readonly FieldSpec[];
  /** Request input → the row the model is given; throws a 400 for anything that does not fit. */
  parse(input: unknown): Row;
  /** One outcome per row, in order. */
  predict(rows: Row[]): Promise<Outcome[]>;
  /** One output as flat rows of its signature's outputs (v2 tensors are columns of these rows). */
  tensorRows(output: Row): Row[];
}

export const MAX_HORIZON = 10_000;
const LEVELS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

export function adapterFor(predictor: Predictor): ModelAdapter {
  if (predictor.flavor === 'forecaster') {
    return predictor.rowwise === false ? fleetForecasterAdapter(predictor) : forecasterAdapter(predictor);
  }
  return rowwiseAdapter(predictor);
}

/** Text models accept a bare string as their `text` input. */
function textShorthand(input: unknown, fields: readonly FieldSpec[]): unknown {
  if (typeof input === 'string' && fields.some((f) => f.name === 'text' && f.type === 'string')) return { text: input };
  return input;
}

/** Runs the batch; when it throws, each row alone, so the error lands on the rows that cause it. */
async function isolate(rows: Row[], run: (rows: Row[]) => Promise<Row[]>): Promise<Outcome[]> {
  try {
    const outputs = await run(rows);
    if (outputs.length !== rows.length) {
      throw new Error(`the model answered ${outputs.length} rows for ${rows.length} inputs`);
    }
    return outputs.map((output) => ({ ok: true, output }));
  } catch (error) {
    if (rows.length === 1) return [{ ok: false, error }];
    return Promise.all(rows.map(async (row) => (await isolate([row], run))[0]!));
  }
}

function rowwiseAdapter(predictor: Predictor): ModelAdapter {
  const inputs = predictor.signature.inputs;
  return {
    inputs,
    outputs: predictor.signature.outputs,
    parse: (input) => {
      const row = checkRow(textShorthand(input, inputs), inputs);
      const refusal = predictor.accepts?.(row);
      if (refusal) throw invalidInput(`input: ${refusal}`);
      return row;
    },
    predict: (rows) => isolate(rows, async (batch) => (await predictor.predict(batch)) as Row[]),
    tensorRows: (output) => [output],
  };
}

interface Forecast {
  mean: number[];
  quantiles: number[][];
}

function forecasterAdapter(predictor: Predictor): ModelAdapter {
  const inputs: FieldSpec[] = [{ name: 'horizon', type: 'int64', description: 'steps ahead to forecast' }];
  return {
    inputs,
    outputs: predictor.signature.outputs,
    parse: (input) => {
      const row = checkRow(input, inputs);
      const horizon = row.horizon as number;
      if (horizon < 1 || horizon > MAX_HORIZON) {
        throw invalidInput(`input.horizon must be between 1 and ${MAX_HORIZON}`, 'input.horizon');
      }
      return row;
    },
    predict: (rows) =>
      isolate(rows, async (batch) =>
        Promise.all(
          batch.map(async (row) => {
            const forecast = (await predictor.predict({ horizon: row.horizon })) as Forecast;
            return {
              horizon: row.horizon,
              mean: forecast.mean,
              quantiles: Object.fromEntries(LEVELS.map((level, j) => [String(level), forecast.quantiles[j] ?? []])),
            };
          }),
        ),
      ),
    tensorRows: (output) => [output],
  };
}

function fleetForecasterAdapter(predictor: Predictor): ModelAdapter {
  const seriesField = predictor.signature.inputs[0];
  if (!seriesField) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'this fleet forecaster declares no series input', {
      hint: 'train and register it again',
    });
  }
  const trained = Number(predictor.manifest.params.horizon) || MAX_HORIZON;
  const inputs: FieldSpec[] = [
    seriesField,
    { name: 'horizon', type: 'int64', optional: true, description: `steps ahead, 1–${trained} (default ${trained})` },
  ];
  const stepFields = predictor.signature.outputs.filter((f) => f.name !== 'series_id');
  return {
    inputs,
    outputs: predictor.signature.outputs,
    parse: (input) => {
      if (!isObject(input)) throw invalidInput("input must be a JSON object of the model's input fields");
      const row = checkRow(input, inputs);
      const horizon = row.horizon ?? trained;
      if (typeof horizon !== 'number' || horizon < 1 || horizon > trained) {
        throw invalidInput(`input.horizon must be between 1 and ${trained}, the horizon trained`, 'input.horizon');
      }
      const refusal = predictor.accepts?.(row);
      if (refusal) throw new FleetcastError('FLEETCAST_NOT_FOUND', `input: ${refusal}`);
      return { ...row, horizon };
    },
    predict: (rows) =>
      isolate(rows, async (batch) => {
        const steps = (await predictor.predict(batch)) as Row[];
        const bySeries = new Map<string, Row[]>();
        for (const step of steps) {
          const id = String(step.series_id);
          const list = bySeries.get(id) ?? [];
          const { key: _key, series_id: _series, ...rest } = step;
          list.push({ ...rest, timestamp: (rest.timestamp as Date).toISOString?.() ?? rest.timestamp });
          bySeries.set(id, list);
        }
        return batch.map((row) => {
          const id = String(row[seriesField.name]);
          const forecast = (bySeries.get(id) ?? []).filter((s) => (s.step as number) <= (row.horizon as number));
          if (forecast.length === 0) throw invalidInput(`no forecast for series "${id}"`);
          return { series_id: id, forecast };
        });
      }),
    tensorRows: (output) =>
      (output.forecast as Row[]).map((step) => ({
        series_id: output.series_id,
        ...Object.fromEntries(stepFields.map((f) => [f.name, step[f.name]])),
      })),
  };
}

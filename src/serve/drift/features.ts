/**
 * What drift is measured on: numbers pulled from a request's input and its prediction. Kept
 * simple and documented so a report can be read without the code: top-level fields only.
 */

/**
 * Numeric features of one input: each top-level finite number under its own name; each string
 * and array as `{name}_length` (text length in characters, series length), so a sentiment model
 * still reports drift in what it is sent. A bare number is the feature `value`. Booleans, null
 * and nested objects are not measured.
 */
export function numericFeatures(input: unknown): Record<string, number> {
  if (typeof input === 'number') return Number.isFinite(input) ? { value: input } : {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return {};
  const features: Record<string, number> = {};
  for (const [name, value] of Object.entries(input as Record<string, unknown>)) {
    if (typeof value === 'number' && Number.isFinite(value)) features[name] = value;
    else if (typeof value === 'string') features[`${name}_length`] = Array.from(value).length;
    else if (Array.isArray(value)) features[`${name}_length`] = value.length;
  }
  return features;
}

export type PredictionValue = { kind: 'numeric'; value: number } | { kind: 'categorical'; value: string };

/**
 * The one value of a prediction whose distribution is tracked: a label (a string, or an object's
 * string `label`) is categorical; a finite number, or an object's first finite numeric field in
 * name order, is numeric. Pass the field you care about (e.g. `output.response_time`) to choose.
 */
export function predictionOf(output: unknown): PredictionValue | undefined {
  if (typeof output === 'string') return { kind: 'categorical', value: output };
  if (typeof output === 'number') return Number.isFinite(output) ? { kind: 'numeric', value: output } : undefined;
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return undefined;
  const record = output as Record<string, unknown>;
  if (typeof record.label === 'string') return { kind: 'categorical', value: record.label };
  for (const name of Object.keys(record).sort()) {
    const value = record[name];
    if (typeof value === 'number' && Number.isFinite(value)) return { kind: 'numeric', value };
  }
  return undefined;
}

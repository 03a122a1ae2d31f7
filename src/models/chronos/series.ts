/**
 * The `series` of a row, however it arrives: a JSON array over HTTP (null for a missing point), a
 * list column from the warehouse (`list(value ORDER BY ts)`), or text in a CSV cell (`[1, 2, null]`
 * or `1;2;;4`). Missing points become NaN, which the model masks; a value that is not a number at
 * all is refused, because a typo should not pass silently as a gap.
 */

/** Most points read from one row (the model reads only its context, but parsing is bounded too). */
export const MAX_SERIES_POINTS = 100_000;

const MISSING_TEXT = new Set(['', 'nan', 'null', 'na', 'none']);

function point(value: unknown, index: number): number | string {
  if (value === null || value === undefined) return Number.NaN;
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (MISSING_TEXT.has(text.toLowerCase())) return Number.NaN;
    const number = Number(text);
    if (!Number.isNaN(number)) return Number.isFinite(number) ? number : Number.NaN;
  }
  return `point ${index} (${JSON.stringify(value)?.slice(0, 40)}) is not a number`;
}

function fromText(text: string): unknown[] | string {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      // JSON has no NaN: let the bare words a CSV export may hold through as strings.
      const parsed: unknown = JSON.parse(trimmed.replace(/-?\b(?:NaN|Infinity)\b/g, (word) => `"${word}"`));
      return Array.isArray(parsed) ? parsed : 'is not a JSON array';
    } catch {
      return 'is not a JSON array of numbers';
    }
  }
  if (trimmed === '') return [];
  // One separator kind per cell, so an empty field between two separators is a missing point.
  const separator = trimmed.includes(';') ? ';' : trimmed.includes(',') ? ',' : /\s+/;
  return trimmed.split(separator);
}

/** The history as numbers (NaN = missing), or why it cannot be one. */
export function readSeries(value: unknown): number[] | string {
  const items = typeof value === 'string' ? fromText(value) : value;
  if (typeof items === 'string') return items;
  if (!Array.isArray(items)) return 'must be an array of numbers (null for missing points)';
  if (items.length === 0) return 'is empty';
  if (items.length > MAX_SERIES_POINTS) return `has ${items.length} points, more than ${MAX_SERIES_POINTS}`;
  const out = new Array<number>(items.length);
  for (const [i, item] of items.entries()) {
    const x = point(item, i);
    if (typeof x === 'string') return x;
    out[i] = x;
  }
  return out;
}

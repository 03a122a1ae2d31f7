/**
 * Input checks shared by every kind. A text must be a string with something in it; anything else
 * is the caller's mistake and gets a FleetcastError naming the row (an HTTP 400, never a 500).
 * Unicode is taken as it comes (emoji, right-to-left scripts, combining marks, zero-width joiners
 * inside words) except lone surrogates, which no UTF-8 encoder can write: they become U+FFFD.
 * Length is the model's business (it truncates by tokens and reports it); only texts beyond
 * MAX_TEXT_CHARS, far past any model's reach, are refused, so one request cannot pin a CPU.
 */
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';

/** 1,000,000 UTF-16 code units: ~2,000 times what a 512-token model reads. */
export const MAX_TEXT_CHARS = 1_000_000;

/** Nothing but white space and invisible format characters (ZWSP, ZWJ, BOM, direction marks…). */
const BLANK = /^[\s\p{Cf}]*$/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Why `value` cannot be classified, or undefined when it can. */
export function textProblem(value: unknown): string | undefined {
  if (value === undefined) return 'text is missing';
  if (typeof value !== 'string') {
    return `text must be a string, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`;
  }
  if (value.length === 0) return 'text is empty';
  if (value.length > MAX_TEXT_CHARS) {
    return `text has ${value.length} characters, more than the ${MAX_TEXT_CHARS} accepted`;
  }
  if (BLANK.test(value)) return 'text has only white space or invisible characters';
  return undefined;
}

/** The text with lone surrogates replaced by U+FFFD (String.prototype.toWellFormed, for Node 20). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

const RowSchema = z.looseObject({ text: z.unknown().optional() });

/** Validates a batch of `{text}` rows; returns the texts, well-formed. */
export function readTextRows(batch: unknown): string[] {
  if (!Array.isArray(batch)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'a text classifier takes an array of {text} rows', {
      hint: 'send [{"text": "…"}, …]',
    });
  }
  return batch.map((row: unknown, index) => {
    const parsed = RowSchema.safeParse(row);
    const problem = parsed.success ? textProblem(parsed.data.text) : 'the row is not an object with a text field';
    if (problem) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `row ${index}: ${problem}`, {
        hint: 'each row needs a non-empty "text" string',
        details: { row: index },
      });
    }
    return wellFormed((parsed.data as { text: string }).text);
  });
}

/**
 * Query templates. A template is PromQL with placeholders: `{{service}}`, `{{namespace}}` and their
 * regex-escaped twins `{{service_regex}}`, `{{namespace_regex}}` go inside a quoted string
 * (`destination_workload="{{service}}"`, `pod=~"{{service_regex}}-.*"`), `{{window}}` goes in a
 * range selector (`[{{window}}]`). Values are escaped for the string they land in, so a service
 * name can never close the string and add PromQL of its own; a placeholder outside a string (or in
 * a raw backtick string, which has no escapes) is refused when the template is loaded.
 */
import { FleetcastError } from '../../core/errors.js';
import { promDuration } from '../durations.js';

export const STRING_PLACEHOLDERS = ['service', 'namespace', 'service_regex', 'namespace_regex'] as const;
export const BARE_PLACEHOLDERS = ['window'] as const;
type StringPlaceholder = (typeof STRING_PLACEHOLDERS)[number];

export interface TemplateValues {
  service: string;
  namespace: string;
  /** Rate window in seconds. */
  window: number;
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/y;

/** Escapes text for the inside of a PromQL string quoted with `quote` (Go escape rules). */
export function escapeStringContent(value: string, quote: '"' | "'" = '"'): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out;
}

/** A complete double-quoted PromQL string literal holding `value`. */
export function promString(value: string): string {
  return `"${escapeStringContent(value)}"`;
}

/** Escapes RE2 metacharacters, like Go's regexp.QuoteMeta, so the value matches only itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

interface Token {
  kind: 'text' | 'placeholder';
  text: string;
  /** For placeholders: the quote of the string they sit in, or undefined outside strings. */
  quote?: '"' | "'";
}

/** Splits a template into text and placeholders, tracking whether each placeholder is in a string. */
function tokenize(template: string, what: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  let quote: '"' | "'" | '`' | undefined;
  for (let i = 0; i < template.length; ) {
    PLACEHOLDER.lastIndex = i;
    const match = PLACEHOLDER.exec(template);
    if (match) {
      if (quote === '`') {
        throw templateError(what, template, `{{${match[1]}}} sits in a backtick string, which cannot be escaped`);
      }
      if (text) tokens.push({ kind: 'text', text });
      text = '';
      tokens.push({ kind: 'placeholder', text: match[1]!, ...(quote ? { quote } : {}) });
      i += match[0].length;
      continue;
    }
    const ch = template[i]!;
    if (quote && quote !== '`' && ch === '\\') {
      text += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (quote === undefined && (ch === '"' || ch === "'" || ch === '`')) quote = ch;
    else if (ch === quote) quote = undefined;
    text += ch;
    i++;
  }
  if (quote) throw templateError(what, template, `a ${quote} string is never closed`);
  if (text) tokens.push({ kind: 'text', text });
  return tokens;
}

function templateError(what: string, template: string, why: string): FleetcastError {
  return new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `query ${what}: ${why}`, {
    hint: 'write placeholders inside quotes (destination_workload="{{service}}") and {{window}} in a range selector ([{{window}}])',
    details: { query: what, template },
  });
}

/** Checks a template once, at load time: known placeholders, each in the right position. */
export function validateTemplate(template: string, what: string): void {
  for (const token of tokenize(template, what)) {
    if (token.kind !== 'placeholder') continue;
    const name = token.text;
    if ((STRING_PLACEHOLDERS as readonly string[]).includes(name)) {
      if (!token.quote) {
        throw templateError(what, template, `{{${name}}} must sit inside a quoted string, e.g. label="{{${name}}}"`);
      }
    } else if ((BARE_PLACEHOLDERS as readonly string[]).includes(name)) {
      if (token.quote) throw templateError(what, template, `{{${name}}} must sit outside strings, e.g. [{{${name}}}]`);
    } else {
      throw templateError(
        what,
        template,
        `unknown placeholder {{${name}}} (known: ${[...STRING_PLACEHOLDERS, ...BARE_PLACEHOLDERS].join(', ')})`,
      );
    }
  }
}

function stringValue(name: StringPlaceholder, values: TemplateValues): string {
  switch (name) {
    case 'service':
      return values.service;
    case 'namespace':
      return values.namespace;
    case 'service_regex':
      return escapeRegex(values.service);
    case 'namespace_regex':
      return escapeRegex(values.namespace);
  }
}

/** Renders a template with every value escaped for where it lands. */
export function renderTemplate(template: string, values: TemplateValues, what = 'template'): string {
  let out = '';
  for (const token of tokenize(template, what)) {
    if (token.kind === 'text') out += token.text;
    else if (token.text === 'window') out += promDuration(values.window);
    else if (token.quote) out += escapeStringContent(stringValue(token.text as StringPlaceholder, values), token.quote);
    else throw templateError(what, template, `{{${token.text}}} is not allowed here`);
  }
  return out;
}

/**
 * Reads a runtime spec file: YAML → zod → the spec with every default in, or the list of problems,
 * each with its YAML path (`workers[1].cpu`), line and column, the expected form and the value.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { maskValue } from '../../../core/config/mask.js';
import { FleetcastError } from '../../../core/errors.js';
import { specWarnings } from './rules.js';
import { type RuntimeSpec, RuntimeSpecSchema } from './schema.js';

export interface SpecIssue {
  /** Path in the YAML, e.g. `workers[1].cpu`. */
  path: string;
  /** The expected form, and what was found. */
  message: string;
  line?: number;
  column?: number;
}

export interface LoadedRuntime {
  /** Absolute path of the runtime file. */
  file: string;
  spec: RuntimeSpec;
  /** The study's spec file, shipped to the cluster in a ConfigMap. */
  studySpec?: { fileName: string; content: string };
  warnings: string[];
}

export type RuntimeCheck = { ok: true; runtime: LoadedRuntime } | { ok: false; file: string; issues: SpecIssue[] };

/** A ConfigMap holds at most 1 MiB; leave room for its metadata. */
const MAX_STUDY_SPEC_BYTES = 900 * 1024;

/** Validates a runtime file; problems in the spec are returned, an unreadable file throws. */
export function checkRuntimeSpec(path: string, cwd: string): RuntimeCheck {
  const file = resolve(cwd, path);
  const { document, lines, data } = readYaml(file);
  const parsed = RuntimeSpecSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, file, issues: parsed.error.issues.flatMap((issue) => describe(issue, data, document, lines)) };
  }
  const spec = parsed.data;
  let studySpec: LoadedRuntime['studySpec'];
  if (spec.study?.spec !== undefined) {
    const read = readStudySpec(resolve(dirname(file), spec.study.spec));
    if (typeof read === 'string') {
      return { ok: false, file, issues: [at(['study', 'spec'], read, document, lines)] };
    }
    studySpec = read;
  }
  return {
    ok: true,
    runtime: { file, spec, ...(studySpec ? { studySpec } : {}), warnings: specWarnings(spec) },
  };
}

/** Like checkRuntimeSpec, but a spec with problems throws one error that lists them all. */
export function loadRuntimeSpec(path: string, cwd: string): LoadedRuntime {
  const checked = checkRuntimeSpec(path, cwd);
  if (checked.ok) return checked.runtime;
  throw specError(checked.file, checked.issues);
}

export function specError(file: string, issues: SpecIssue[]): FleetcastError {
  const shown = issues.map((issue) => `${issue.line ? `line ${issue.line}: ` : ''}${issue.path}: ${issue.message}`);
  return new FleetcastError(
    'FLEETCAST_CONFIG_INVALID',
    `${file} is not a valid runtime spec (${issues.length} problem${issues.length === 1 ? '' : 's'}): ${shown.join('; ')}`,
    { hint: 'fix the fields named above; docs/runtime.md lists every field and its default', details: { issues } },
  );
}

function readYaml(file: string): { document: Document; lines: LineCounter; data: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new FleetcastError(
      'FLEETCAST_CONFIG_FILE',
      missing ? `runtime spec ${file} does not exist` : `cannot read runtime spec ${file}: ${(error as Error).message}`,
      { hint: missing ? 'check the path; see examples/runtime/ for complete specs' : 'check the file permissions' },
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first) {
    const pos = lines.linePos(first.pos[0]);
    throw new FleetcastError(
      'FLEETCAST_CONFIG_FILE',
      `runtime spec ${file} is not valid YAML at line ${pos.line}, column ${pos.col}: ${first.message.split('\n')[0]}`,
      { hint: 'fix the YAML syntax; a runtime spec starts with apiVersion: fleetcast/v1 and kind: Runtime' },
    );
  }
  const data: unknown = document.toJS() ?? {};
  return { document, lines, data };
}

function readStudySpec(path: string): { fileName: string; content: string } | string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return `a study spec file that exists (no file at ${path}; paths are relative to the runtime file)`;
  }
  if (size > MAX_STUDY_SPEC_BYTES) {
    return `a study spec file under ${MAX_STUDY_SPEC_BYTES / 1024} KiB (it ships in a ConfigMap; ${path} has ${size} bytes)`;
  }
  return { fileName: basename(path), content: readFileSync(path, 'utf8') };
}

function describe(issue: z.core.$ZodIssue, data: unknown, document: Document, lines: LineCounter): SpecIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => at([...issue.path, key], '', document, lines, { unknown: true }));
  }
  const value = valueAt(data, issue.path);
  const expected =
    issue.code === 'invalid_union' && issue.errors.length > 0
      ? (issue.errors[0]![0]?.message ?? issue.message)
      : issue.message;
  return [at(issue.path, expected.replace(/^Invalid input: /, ''), document, lines, { value })];
}

function at(
  path: PropertyKey[],
  expected: string,
  document: Document,
  lines: LineCounter,
  found: { value?: unknown; unknown?: boolean } = {},
): SpecIssue {
  const yamlPath = formatPath(path);
  const position = positionOf(path, document, lines);
  if (found.unknown) {
    return { path: yamlPath, message: 'is not a key of the runtime spec (docs/runtime.md lists them)', ...position };
  }
  const got = found.value === undefined ? ' (missing)' : ` (got ${show(path, found.value)})`;
  return { path: yamlPath, message: `expected ${expected}${got}`, ...position };
}

/** `['workers', 1, 'cpu']` → `workers[1].cpu`. */
export function formatPath(path: PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? '(top level)' : text;
}

function show(path: PropertyKey[], value: unknown): string {
  const masked = maskValue(String(path.at(-1) ?? ''), value);
  const text = JSON.stringify(masked) ?? String(masked);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Line and column of the deepest node of the path that exists in the file. */
function positionOf(path: PropertyKey[], document: Document, lines: LineCounter): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = document.getIn(path.slice(0, depth) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  let current = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

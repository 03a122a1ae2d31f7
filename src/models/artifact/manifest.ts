/**
 * The model artifact of DESIGN.md: a folder holding `fleetcast.json` (flavor, signature, params,
 * metrics, lineage and the sha256 of every file) beside the weights. Saving is atomic (a temp folder
 * renamed into place); reading verifies every checksum, so a tampered or half-copied model never loads.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { FleetcastError } from '../../core/errors.js';
import { makeFolderSync } from '../../core/folders.js';
import { VERSION } from '../../core/version.js';

export const MANIFEST_FILE = 'fleetcast.json';
export const FLAVORS = ['forecaster', 'performance', 'text-classifier', 'onnx', 'chronos'] as const;
export type Flavor = (typeof FLAVORS)[number];

const FieldSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum([
      'float64',
      'float32',
      'int64',
      'string',
      'bool',
      'timestamp',
      'float64[]',
      'float32[]',
      'int64[]',
      'json',
    ]),
    shape: z.array(z.number().int()).optional(),
    /** An input that may be absent or null (batch prediction does not reject rows without it). */
    optional: z.boolean().optional(),
    description: z.string().optional(),
  })
  .strict();
export type FieldSpec = z.infer<typeof FieldSchema>;

const FILE_NAME = /^(?!\.)(?!.*\/\.)[A-Za-z0-9._/-]+$/;

export const ManifestSchema = z
  .object({
    schema: z.literal('fleetcast.model/v1'),
    flavor: z.enum(FLAVORS),
    signature: z.object({ inputs: z.array(FieldSchema), outputs: z.array(FieldSchema) }).strict(),
    params: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.number()),
    lineage: z
      .object({
        createdAt: z.string(),
        codeVersion: z.string(),
        datasetSha256: z.string().optional(),
        parentRun: z.string().optional(),
      })
      .strict(),
    files: z.record(
      z.string().regex(FILE_NAME),
      z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) }).strict(),
    ),
  })
  .strict();
export type ModelManifest = z.infer<typeof ManifestSchema>;

export interface SaveModelInput {
  flavor: Flavor;
  signature: ModelManifest['signature'];
  params?: Record<string, unknown>;
  metrics?: Record<string, number>;
  lineage?: { datasetSha256?: string; parentRun?: string };
  /** File name (may contain `/`) → content. `fleetcast.json` is reserved. */
  files: Record<string, Buffer | Uint8Array | string>;
}

const sha256 = (data: Buffer | Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Writes the model folder at `dir` atomically; refuses to replace an existing folder. */
export function saveModel(dir: string, input: SaveModelInput): ModelManifest {
  if (existsSync(dir)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `model folder ${dir} already exists`, {
      hint: 'save each model version to a new folder',
    });
  }
  const files: ModelManifest['files'] = {};
  for (const [name, content] of Object.entries(input.files)) {
    if (name === MANIFEST_FILE || !FILE_NAME.test(name) || name.split('/').includes('..')) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `model file name "${name}" is not allowed`, {
        hint: `use plain relative names (letters, digits, . _ - /), not ${MANIFEST_FILE}`,
      });
    }
    files[name] = { sha256: sha256(content), size: Buffer.byteLength(content) };
  }
  const manifest = ManifestSchema.parse({
    schema: 'fleetcast.model/v1',
    flavor: input.flavor,
    signature: input.signature,
    params: input.params ?? {},
    metrics: input.metrics ?? {},
    lineage: { createdAt: new Date().toISOString(), codeVersion: `fleetcast@${VERSION}`, ...input.lineage },
    files,
  });
  makeFolderSync(dirname(dir));
  const temp = join(dirname(dir), `.${basename(dir)}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    makeFolderSync(temp);
    for (const [name, content] of Object.entries(input.files)) {
      makeFolderSync(dirname(join(temp, name)));
      writeFileSync(join(temp, name), content);
    }
    // The manifest goes last: a folder without one is visibly incomplete.
    writeFileSync(join(temp, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}

export interface LoadedModelFiles {
  dir: string;
  manifest: ModelManifest;
  /** Content of one listed file (already verified). */
  read(name: string): Buffer;
}

/** Reads and validates the manifest, and verifies the sha256 and size of every listed file. */
export function readModel(dir: string): LoadedModelFiles {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `${dir} holds no ${MANIFEST_FILE}`, {
      hint: 'point at a model folder saved by Fleetcast (or add a manifest)',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${manifestPath} is not valid JSON: ${(error as Error).message}`,
      {
        hint: 'the manifest was damaged; save the model again',
      },
    );
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `${manifestPath}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      { hint: 'the manifest does not follow fleetcast.model/v1; save the model again' },
    );
  }
  const manifest = parsed.data;
  const contents = new Map<string, Buffer>();
  for (const [name, expected] of Object.entries(manifest.files)) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      throw new FleetcastError(
        'FLEETCAST_NOT_FOUND',
        `model file ${name} listed in ${MANIFEST_FILE} is missing from ${dir}`,
        {
          hint: 'the model folder is incomplete; copy it again',
        },
      );
    }
    const content = readFileSync(path);
    const actual = sha256(content);
    if (actual !== expected.sha256 || content.length !== expected.size) {
      throw new FleetcastError(
        'FLEETCAST_CHECKSUM_MISMATCH',
        `model file ${name} in ${dir} does not match its checksum`,
        {
          hint: 'the artifact was altered or damaged; refusing to load it',
          details: { file: name, expected: expected.sha256, actual },
        },
      );
    }
    contents.set(name, content);
  }
  return {
    dir,
    manifest,
    read(name) {
      const content = contents.get(name);
      if (!content) {
        throw new FleetcastError('FLEETCAST_NOT_FOUND', `model ${dir} has no file ${name}`, {
          hint: `listed files: ${Object.keys(manifest.files).join(', ') || 'none'}`,
        });
      }
      return content;
    },
  };
}

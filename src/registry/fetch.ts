/**
 * Getting a registered version back: download its files from the artifact store into a local cache,
 * verify each against the sha256 the registry recorded at registration, then load it through its
 * flavor. A tampered artifact (in the store or in the cache) is refused with a clear error.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FleetcastError } from '../core/errors.js';
import { makeFolderSync } from '../core/folders.js';
import { loadModel, MANIFEST_FILE, type Predictor, readModel } from '../models/index.js';
import { type ModelVersion, type RegistryContext, versionPrefix } from './versions.js';

/** Downloads (or reuses the cached copy of) a version; returns its verified local folder. */
export async function downloadVersion(
  context: RegistryContext,
  version: ModelVersion,
  target?: string,
): Promise<string> {
  const dir = target ?? join(context.cacheDir, version.name, `v${version.version}`);
  if (existsSync(dir)) {
    if (target) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `${dir} already exists`, {
        hint: 'download into a new folder',
      });
    }
    try {
      verifyAgainstRegistry(dir, version);
      return dir;
    } catch {
      rmSync(dir, { recursive: true, force: true }); // a damaged cache entry is fetched again
    }
  }
  makeFolderSync(dirname(dir));
  const temp = `${dir}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    // A model may have no files but its manifest (a lexicon model, say): the folder must exist anyway.
    makeFolderSync(temp);
    const prefix = versionPrefix(version.name, version.version);
    for (const [file, expected] of Object.entries(version.files)) {
      const content = await context.artifacts.get(`${prefix}${file}`);
      const actual = createHash('sha256').update(content).digest('hex');
      if (actual !== expected.sha256) throw tampered(version, file, expected.sha256, actual);
      makeFolderSync(dirname(join(temp, file)));
      writeFileSync(join(temp, file), content);
    }
    writeFileSync(join(temp, MANIFEST_FILE), await context.artifacts.get(`${prefix}${MANIFEST_FILE}`));
    verifyAgainstRegistry(temp, version);
    renameSync(temp, dir);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (error instanceof FleetcastError && error.code === 'FLEETCAST_CHECKSUM_MISMATCH') {
      throw tampered(version, String(error.details?.file ?? error.details?.key ?? '?'), '', '', error);
    }
    throw error;
  }
  return dir;
}

export async function loadVersion(context: RegistryContext, version: ModelVersion): Promise<Predictor> {
  return loadModel(await downloadVersion(context, version));
}

/** The folder's manifest must list exactly the files, with the checksums, the registry recorded. */
function verifyAgainstRegistry(dir: string, version: ModelVersion): void {
  const { manifest } = readModel(dir); // verifies each file against the manifest
  for (const [file, expected] of Object.entries(version.files)) {
    const listed = manifest.files[file];
    if (!listed || listed.sha256 !== expected.sha256) {
      throw tampered(version, file, expected.sha256, listed?.sha256 ?? 'missing');
    }
  }
  if (Object.keys(manifest.files).length !== Object.keys(version.files).length) {
    throw tampered(version, MANIFEST_FILE, 'the registered file list', 'a different file list');
  }
}

function tampered(
  version: ModelVersion,
  file: string,
  expected: string,
  actual: string,
  cause?: unknown,
): FleetcastError {
  return new FleetcastError(
    'FLEETCAST_CHECKSUM_MISMATCH',
    `model ${version.name}:${version.version} was altered after registration (${file} does not match its recorded checksum)`,
    {
      hint: 'refusing to load it; register the model again from a trusted copy',
      details: { model: version.name, version: version.version, file, ...(expected ? { expected, actual } : {}) },
      ...(cause ? { cause } : {}),
    },
  );
}

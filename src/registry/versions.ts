/**
 * Model versions: registration (version numbers assigned in a transaction, artifact files copied to
 * `{model}/v{N}/`), listing, showing and deleting.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactStore } from '../core/artifacts/index.js';
import { FleetcastError } from '../core/errors.js';
import { newRunId } from '../core/logging.js';
import type { MetadataStore, ModelVersionsTable } from '../core/metadata/index.js';
import { loadModel, MANIFEST_FILE, type ModelManifest, readModel } from '../models/index.js';
import { assertAlias, assertModelName, assertVersion } from './reference.js';

export interface RegistryContext {
  metadata: MetadataStore;
  artifacts: ArtifactStore;
  /** Who is acting, for the audit trail. */
  user: string;
  /** Local folder where downloaded versions are cached (verified on every load). */
  cacheDir: string;
}

export interface ModelVersion {
  name: string;
  version: number;
  flavor: ModelManifest['flavor'];
  signature: ModelManifest['signature'];
  files: ModelManifest['files'];
  sizeBytes: number;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  source: string;
  sourceRun: string | null;
  createdBy: string;
  createdAt: string;
  /** Aliases this version holds now. */
  aliases: string[];
}

export interface RegisterOptions {
  tags?: Record<string, string>;
  /** Alias (environment) to point at the new version, e.g. `dev`. */
  env?: string;
  /** A human description of where the files came from (defaults to the folder). */
  source?: string;
  sourceRun?: string;
}

/** The artifact-store prefix of one version. */
export function versionPrefix(name: string, version: number): string {
  return `${name}/v${version}/`;
}

/**
 * Registers the model folder `dir` as the next version of `name`. It must load (its flavor's loader
 * runs); then, in one transaction, the version number is taken, the files are copied to the
 * artifact store and the row is written, so a failure leaves no version and no gap.
 */
export async function registerVersion(
  context: RegistryContext,
  name: string,
  dir: string,
  options: RegisterOptions = {},
): Promise<ModelVersion> {
  assertModelName(name);
  if (options.env !== undefined) assertAlias(options.env);
  await loadModel(dir); // verifies the manifest, every checksum, and that the flavor can load it
  const { manifest } = readModel(dir);
  const fileNames = [...Object.keys(manifest.files), MANIFEST_FILE];
  const now = new Date().toISOString();
  const uploaded: string[] = [];
  try {
    return await context.metadata.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('registered_models')
        .values({ name, next_version: 1, created_at: now, created_by: context.user })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const bumped = await tx
        .updateTable('registered_models')
        .set((eb) => ({ next_version: eb('next_version', '+', 1) }))
        .where('name', '=', name)
        .returning('next_version')
        .executeTakeFirstOrThrow();
      const version = Number(bumped.next_version) - 1;
      for (const file of fileNames) {
        const key = `${versionPrefix(name, version)}${file}`;
        await context.artifacts.put(key, readFileSync(join(dir, file)));
        uploaded.push(key);
      }
      const row = versionRow(name, version, manifest, options, dir, context.user, now);
      await tx.insertInto('model_versions').values(row).execute();
      if (options.env) {
        const previous = await tx
          .selectFrom('model_aliases')
          .select('version')
          .where('name', '=', name)
          .where('alias', '=', options.env)
          .executeTakeFirst();
        await writeAlias(
          tx,
          name,
          options.env,
          previous?.version ?? null,
          version,
          'promote',
          context.user,
          'registered',
        );
      }
      return toModelVersion(row, options.env ? [options.env] : []);
    });
  } catch (error) {
    // The transaction rolled back; remove the copied files so no orphan looks like an upload.
    await Promise.all(uploaded.map((key) => context.artifacts.delete(key).catch(() => {})));
    throw error;
  }
}

function versionRow(
  name: string,
  version: number,
  manifest: ModelManifest,
  options: RegisterOptions,
  dir: string,
  user: string,
  now: string,
): ModelVersionsTable {
  return {
    name,
    version,
    flavor: manifest.flavor,
    signature: JSON.stringify(manifest.signature),
    files: JSON.stringify(manifest.files),
    size_bytes: Object.values(manifest.files).reduce((sum, f) => sum + f.size, 0),
    params: JSON.stringify(manifest.params),
    metrics: JSON.stringify(manifest.metrics),
    tags: JSON.stringify(options.tags ?? {}),
    source: options.source ?? dir,
    source_run: options.sourceRun ?? manifest.lineage.parentRun ?? null,
    created_by: user,
    created_at: now,
  };
}

/**
 * Records files someone put straight into `{name}/v{version}/` as that version (the files stay where
 * they are). `dir` is a verified local copy. The model's counter moves past `version`, so the next
 * `register` never reuses the number.
 */
export async function adoptVersion(
  context: RegistryContext,
  name: string,
  version: number,
  dir: string,
  options: RegisterOptions = {},
): Promise<ModelVersion> {
  assertModelName(name);
  await loadModel(dir);
  const { manifest } = readModel(dir);
  const now = new Date().toISOString();
  return context.metadata.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('registered_models')
      .values({ name, next_version: version + 1, created_at: now, created_by: context.user })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await tx
      .updateTable('registered_models')
      .set({ next_version: version + 1 })
      .where('name', '=', name)
      .where('next_version', '<=', version)
      .execute();
    const row = versionRow(name, version, manifest, options, dir, context.user, now);
    await tx.insertInto('model_versions').values(row).execute();
    return toModelVersion(row, []);
  });
}

/** Points `alias` at `to` (or removes it when `to` is null) and appends the change to the history. */
export async function writeAlias(
  tx: MetadataStore['db'],
  name: string,
  alias: string,
  from: number | null,
  to: number | null,
  action: 'promote' | 'rollback' | 'remove',
  user: string,
  reason: string | null,
): Promise<void> {
  const now = new Date().toISOString();
  if (to === null) {
    await tx.deleteFrom('model_aliases').where('name', '=', name).where('alias', '=', alias).execute();
  } else {
    await tx
      .insertInto('model_aliases')
      .values({ name, alias, version: to, updated_at: now })
      .onConflict((oc) => oc.columns(['name', 'alias']).doUpdateSet({ version: to, updated_at: now }))
      .execute();
  }
  await tx
    .insertInto('alias_history')
    .values({
      // Sortable ids: history reads back in the order it was written.
      id: newRunId(),
      name,
      alias,
      action,
      from_version: from,
      to_version: to,
      changed_by: user,
      changed_at: now,
      reason,
    })
    .execute();
}

export async function listVersions(context: RegistryContext, name?: string): Promise<ModelVersion[]> {
  let query = context.metadata.db.selectFrom('model_versions').selectAll();
  if (name !== undefined) query = query.where('name', '=', assertModelName(name));
  const rows = await query.orderBy('name').orderBy('version').execute();
  const aliases = await aliasesByVersion(context, name);
  return rows.map((row) => toModelVersion(row, aliases.get(`${row.name}:${row.version}`) ?? []));
}

export async function getVersion(context: RegistryContext, name: string, version: number): Promise<ModelVersion> {
  const row = await context.metadata.db
    .selectFrom('model_versions')
    .selectAll()
    .where('name', '=', assertModelName(name))
    .where('version', '=', assertVersion(version))
    .executeTakeFirst();
  if (!row) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `model ${name} has no version ${version}`, {
      hint: `list its versions with: fleetcast models list ${name}`,
    });
  }
  const aliases = await aliasesByVersion(context, name);
  return toModelVersion(row, aliases.get(`${name}:${version}`) ?? []);
}

/** Deletes a version's row and files; refuses while the version holds an alias. */
export async function deleteVersion(context: RegistryContext, name: string, version: number): Promise<void> {
  const current = await getVersion(context, name, version);
  if (current.aliases.length > 0) {
    throw new FleetcastError(
      'FLEETCAST_INVALID_ARGUMENT',
      `model ${name} version ${version} holds ${current.aliases.map((a) => `@${a}`).join(', ')}`,
      { hint: 'promote another version to those aliases (or roll them back) before deleting this one' },
    );
  }
  await context.metadata.db.transaction().execute(async (tx) => {
    const held = await tx
      .selectFrom('model_aliases')
      .select('alias')
      .where('name', '=', name)
      .where('version', '=', version)
      .execute();
    if (held.length > 0) {
      throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `model ${name} version ${version} was just promoted`, {
        hint: 'try again after moving its aliases',
      });
    }
    await tx.deleteFrom('model_versions').where('name', '=', name).where('version', '=', version).execute();
  });
  for (const object of await context.artifacts.list(versionPrefix(name, version))) {
    await context.artifacts.delete(object.key);
  }
}

async function aliasesByVersion(context: RegistryContext, name?: string): Promise<Map<string, string[]>> {
  let query = context.metadata.db.selectFrom('model_aliases').select(['name', 'alias', 'version']);
  if (name !== undefined) query = query.where('name', '=', name);
  const map = new Map<string, string[]>();
  for (const row of await query.orderBy('alias').execute()) {
    const key = `${row.name}:${row.version}`;
    map.set(key, [...(map.get(key) ?? []), row.alias]);
  }
  return map;
}

function toModelVersion(row: ModelVersionsTable, aliases: string[]): ModelVersion {
  return {
    name: row.name,
    version: Number(row.version),
    flavor: row.flavor as ModelManifest['flavor'],
    signature: JSON.parse(row.signature),
    files: JSON.parse(row.files),
    sizeBytes: Number(row.size_bytes),
    params: JSON.parse(row.params),
    metrics: JSON.parse(row.metrics),
    tags: JSON.parse(row.tags),
    source: row.source,
    sourceRun: row.source_run,
    createdBy: row.created_by,
    createdAt: row.created_at,
    aliases,
  };
}

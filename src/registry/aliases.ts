/**
 * Aliases (the environments dev → staging → prod, and free-form ones such as `champion`): promote,
 * roll back, and the full history of which version held which alias when, by whom and why.
 */
import { FleetcastError } from '../core/errors.js';
import { assertAlias, assertModelName, type ModelReference } from './reference.js';
import { getVersion, type ModelVersion, type RegistryContext, writeAlias } from './versions.js';

export interface AliasChange {
  alias: string;
  action: 'promote' | 'rollback' | 'remove';
  fromVersion: number | null;
  toVersion: number | null;
  changedBy: string;
  changedAt: string;
  reason: string | null;
}

export async function promote(
  context: RegistryContext,
  name: string,
  version: number,
  alias: string,
  reason?: string,
): Promise<AliasChange> {
  assertAlias(alias);
  await getVersion(context, name, version); // must exist
  return context.metadata.db.transaction().execute(async (tx) => {
    const current = await tx
      .selectFrom('model_aliases')
      .select('version')
      .where('name', '=', name)
      .where('alias', '=', alias)
      .executeTakeFirst();
    const from = current ? Number(current.version) : null;
    await writeAlias(tx, name, alias, from, version, 'promote', context.user, reason ?? null);
    return change(alias, 'promote', from, version, context.user, reason ?? null);
  });
}

/**
 * Returns `alias` to the version that held it before the current one. History is replayed as a
 * stack (promote pushes, rollback pops), so repeated rollbacks walk back through earlier holders.
 */
export async function rollback(
  context: RegistryContext,
  name: string,
  alias: string,
  reason?: string,
): Promise<AliasChange> {
  assertModelName(name);
  assertAlias(alias);
  return context.metadata.db.transaction().execute(async (tx) => {
    const entries = await tx
      .selectFrom('alias_history')
      .select(['action', 'to_version'])
      .where('name', '=', name)
      .where('alias', '=', alias)
      .orderBy('id')
      .execute();
    const stack: number[] = [];
    for (const entry of entries) {
      if (entry.action === 'promote' && entry.to_version !== null) stack.push(Number(entry.to_version));
      else stack.pop();
    }
    const current = stack.at(-1);
    if (current === undefined) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `model ${name} has no version at @${alias}`, {
        hint: `promote one first: fleetcast models promote ${name} VERSION --to ${alias}`,
      });
    }
    const previous = stack.at(-2);
    if (previous === undefined) {
      throw new FleetcastError(
        'FLEETCAST_INVALID_ARGUMENT',
        `@${alias} of ${name} has no previous holder to return to`,
        {
          hint: `version ${current} was the first at @${alias}; promote another version instead`,
        },
      );
    }
    const stillThere = await tx
      .selectFrom('model_versions')
      .select('version')
      .where('name', '=', name)
      .where('version', '=', previous)
      .executeTakeFirst();
    if (!stillThere) {
      throw new FleetcastError(
        'FLEETCAST_NOT_FOUND',
        `the previous holder of @${alias}, version ${previous}, was deleted`,
        {
          hint: `promote an existing version to @${alias} instead`,
        },
      );
    }
    await writeAlias(tx, name, alias, current, previous, 'rollback', context.user, reason ?? null);
    return change(alias, 'rollback', current, previous, context.user, reason ?? null);
  });
}

export async function history(context: RegistryContext, name: string): Promise<AliasChange[]> {
  const rows = await context.metadata.db
    .selectFrom('alias_history')
    .selectAll()
    .where('name', '=', assertModelName(name))
    .orderBy('id')
    .execute();
  return rows.map((row) =>
    change(
      row.alias,
      row.action,
      row.from_version === null ? null : Number(row.from_version),
      row.to_version === null ? null : Number(row.to_version),
      row.changed_by,
      row.reason,
      row.changed_at,
    ),
  );
}

/** The version a reference names now: a number, an alias's current holder, or the latest. */
export async function resolveReference(context: RegistryContext, reference: ModelReference): Promise<ModelVersion> {
  if ('version' in reference) return getVersion(context, reference.name, reference.version);
  if ('alias' in reference) {
    const row = await context.metadata.db
      .selectFrom('model_aliases')
      .select('version')
      .where('name', '=', reference.name)
      .where('alias', '=', reference.alias)
      .executeTakeFirst();
    if (!row) {
      throw new FleetcastError('FLEETCAST_NOT_FOUND', `model ${reference.name} has no version at @${reference.alias}`, {
        hint: `promote one: fleetcast models promote ${reference.name} VERSION --to ${reference.alias}`,
      });
    }
    return getVersion(context, reference.name, Number(row.version));
  }
  const latest = await context.metadata.db
    .selectFrom('model_versions')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('name', '=', reference.name)
    .executeTakeFirst();
  if (latest?.version === null || latest?.version === undefined) {
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `no model named ${reference.name} is registered`, {
      hint: 'list models with: fleetcast models list',
    });
  }
  return getVersion(context, reference.name, Number(latest.version));
}

function change(
  alias: string,
  action: AliasChange['action'],
  fromVersion: number | null,
  toVersion: number | null,
  changedBy: string,
  reason: string | null,
  changedAt = new Date().toISOString(),
): AliasChange {
  return { alias, action, fromVersion, toVersion, changedBy, changedAt, reason };
}

/**
 * API keys of the HTTP service kept in the metadata store (`fleetcast keys`), so a key created or
 * revoked once is seen by every replica on its next refresh, and survives restarts. Only the sha256
 * of a key is stored; the key itself leaves createApiKey once and is never readable again.
 *
 * Names: a name is refused while an active key (neither revoked nor expired) holds it, so `list`
 * never shows two live keys under one name; rotate with a new name (`ci-2`), then revoke the old id.
 */
import { createHash, randomBytes } from 'node:crypto';
import { FleetcastError } from '../errors.js';
import type { ApiKeysTable, MetadataStore } from './types.js';

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** One key as `fleetcast keys list --json` prints it: everything but the secret. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  status: ApiKeyStatus;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface CreateApiKeyInput {
  name: string;
  /** Absent: the key never expires. */
  expiresAt?: Date;
  createdBy: string;
  now?: Date;
}

/** A key in force, as the service holds it. */
export interface ActiveApiKey {
  id: string;
  sha256: string;
  /** Epoch ms, or null for a key that never expires. */
  expiresAt: number | null;
}

export const API_KEY_PREFIX = 'fc_';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** The public id of a key: `key_` + the first 12 hex digits of its hash (what logs name it by). */
export const apiKeyId = (sha256: string): string => `key_${sha256.slice(0, 12)}`;

/** A new key: `fc_` + 32 random bytes in base64url (46 characters, 256 bits). */
export const generateApiKey = (): string => `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Creates a key and returns it with its record: the only moment the key itself exists. */
export async function createApiKey(
  store: MetadataStore,
  input: CreateApiKeyInput,
): Promise<{ record: ApiKeyRecord; key: string }> {
  const now = input.now ?? new Date();
  checkName(input.name);
  if (input.expiresAt && !(input.expiresAt.getTime() > now.getTime())) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'an API key must expire in the future', {
      hint: 'give a positive duration, e.g. --expires-in 90d',
    });
  }
  const key = generateApiKey();
  const sha256 = hashApiKey(key);
  const row: ApiKeysTable = {
    id: apiKeyId(sha256),
    name: input.name,
    key_sha256: sha256,
    created_at: now.toISOString(),
    created_by: input.createdBy,
    expires_at: input.expiresAt?.toISOString() ?? null,
    revoked_at: null,
    last_used_at: null,
  };
  await store.db.transaction().execute(async (tx) => {
    const holders = await tx
      .selectFrom('api_keys')
      .selectAll()
      .where('name', '=', input.name)
      .where('revoked_at', 'is', null)
      .execute();
    const holder = holders.find((h) => statusOf(h, now) === 'active');
    if (holder) {
      throw new FleetcastError(
        'FLEETCAST_CONFLICT',
        `an active API key is already named "${input.name}" (${holder.id})`,
        {
          hint: `pick another name (e.g. ${input.name}-2) to rotate, then revoke the old one: fleetcast keys revoke ${holder.id}`,
          details: { id: holder.id },
        },
      );
    }
    await tx.insertInto('api_keys').values(row).execute();
  });
  return { record: toRecord(row, now), key };
}

/** Every key, oldest first, with its status now; never a secret. */
export async function listApiKeys(store: MetadataStore, now = new Date()): Promise<ApiKeyRecord[]> {
  const rows = await store.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map((row) => toRecord(row, now));
}

/**
 * Revokes a key by id. Idempotent: revoking a revoked key changes nothing and says so
 * (`revokedNow: false`); an unknown id is FLEETCAST_NOT_FOUND.
 */
export async function revokeApiKey(
  store: MetadataStore,
  id: string,
  now = new Date(),
): Promise<{ record: ApiKeyRecord; revokedNow: boolean }> {
  const result = await store.db
    .updateTable('api_keys')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  const row = await store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) {
    const named = await store.db.selectFrom('api_keys').select('id').where('name', '=', id).execute();
    throw new FleetcastError('FLEETCAST_NOT_FOUND', `no API key with id "${id}"`, {
      hint:
        named.length > 0
          ? `"${id}" is a name; revoke by id: ${named.map((n) => n.id).join(', ')}`
          : 'fleetcast keys list shows the ids (key_…)',
    });
  }
  return { record: toRecord(row, now), revokedNow: Number(result.numUpdatedRows) > 0 };
}

/**
 * What the service loads on each refresh: the keys in force now, and how many rows the table holds
 * at all (revoked and expired included) — a table that ever held a key keeps the service closed.
 */
export async function loadActiveApiKeys(
  store: MetadataStore,
  now = new Date(),
): Promise<{ keys: ActiveApiKey[]; total: number }> {
  const rows = await store.db
    .selectFrom('api_keys')
    .select(['id', 'key_sha256', 'expires_at'])
    .where('revoked_at', 'is', null)
    .execute();
  const counted = await store.db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll().as('total'))
    .executeTakeFirstOrThrow();
  const keys = rows
    .map((row) => ({
      id: row.id,
      sha256: row.key_sha256,
      expiresAt: row.expires_at === null ? null : Date.parse(row.expires_at),
    }))
    .filter((key) => key.expiresAt === null || key.expiresAt > now.getTime());
  return { keys, total: Number(counted.total) };
}

/** Stamps the keys' last use (the service calls it at most once a minute per key). */
export async function touchApiKeys(store: MetadataStore, ids: readonly string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await store.db
    .updateTable('api_keys')
    .set({ last_used_at: at.toISOString() })
    .where('id', 'in', [...ids])
    .execute();
}

function checkName(name: string): void {
  if (name.trim() === '') {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', 'an API key needs a name', {
      hint: 'name it for its holder, e.g. fleetcast keys create ci-deploy',
    });
  }
  if (!NAME.test(name)) {
    throw new FleetcastError('FLEETCAST_INVALID_ARGUMENT', `API key name "${name}" is not allowed`, {
      hint: 'use up to 64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit',
    });
  }
}

function statusOf(row: Pick<ApiKeysTable, 'expires_at' | 'revoked_at'>, now: Date): ApiKeyStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && Date.parse(row.expires_at) <= now.getTime()) return 'expired';
  return 'active';
}

function toRecord(row: ApiKeysTable, now: Date): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    status: statusOf(row, now),
    created_at: row.created_at,
    created_by: row.created_by,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
    last_used_at: row.last_used_at,
  };
}

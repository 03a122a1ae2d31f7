/**
 * Registration on upload: models written straight into the artifact store — a `{model}/v{N}/`
 * folder, or any other `{model}/{folder}/` holding a `fleetcast.json` — are registered exactly once,
 * however often the watcher rescans and however many workers run it. The claim is a row keyed by
 * the manifest's key in `upload_events`: whoever inserts it does the work; everyone else skips.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { makeFolderSync } from '../core/folders.js';
import { pause } from '../core/pause.js';
import { MANIFEST_FILE } from '../models/index.js';
import { assertModelName } from './reference.js';
import { adoptVersion, type RegistryContext, registerVersion } from './versions.js';

export interface UploadOutcome {
  manifestKey: string;
  name: string;
  status: 'registered' | 'rejected';
  version?: number;
  reason?: string;
}

/** A claim older than this is taken to belong to a worker that died mid-registration. */
const STALE_CLAIM_MS = 10 * 60_000;
const VERSION_FOLDER = /^v([1-9]\d*)$/;

/** One pass over the artifact store; returns what this pass registered or rejected. */
export async function scanUploads(context: RegistryContext): Promise<UploadOutcome[]> {
  const objects = await context.artifacts.list();
  const known = new Map(
    (
      await context.metadata.db.selectFrom('upload_events').select(['manifest_key', 'status', 'claimed_at']).execute()
    ).map((row) => [row.manifest_key, row]),
  );
  const outcomes: UploadOutcome[] = [];
  for (const object of objects) {
    const parts = object.key.split('/');
    if (parts.length !== 3 || parts[2] !== MANIFEST_FILE) continue;
    const [name, folder] = parts as [string, string, string];
    const seen = known.get(object.key);
    if (seen && !(seen.status === 'claimed' && Date.now() - Date.parse(seen.claimed_at) > STALE_CLAIM_MS)) continue;
    const version = VERSION_FOLDER.exec(folder)?.[1];
    if (version && (await isRegistered(context, name, Number(version)))) {
      // Written by `register` itself: remember it so later scans skip it without a lookup.
      await claim(context, object.key, object.sha256, name, 'registered', Number(version));
      continue;
    }
    if (!(await claim(context, object.key, object.sha256, name, 'claimed', null, seen?.claimed_at))) continue;
    outcomes.push(await registerUpload(context, object.key, name, folder, version ? Number(version) : undefined));
  }
  return outcomes;
}

/** Polls `scanUploads` every `intervalMs` until `signal` aborts. */
export async function watchUploads(
  context: RegistryContext,
  options: {
    intervalMs: number;
    signal: AbortSignal;
    onOutcome?: (outcome: UploadOutcome) => void;
    onError?: (error: unknown) => void;
  },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      for (const outcome of await scanUploads(context)) options.onOutcome?.(outcome);
    } catch (error) {
      options.onError?.(error);
    }
    await pause(options.intervalMs, options.signal);
  }
}

async function registerUpload(
  context: RegistryContext,
  manifestKey: string,
  name: string,
  folder: string,
  version: number | undefined,
): Promise<UploadOutcome> {
  const local = join(tmpdir(), `fleetcast-upload-${randomBytes(6).toString('hex')}`);
  try {
    assertModelName(name);
    const prefix = `${name}/${folder}/`;
    for (const object of await context.artifacts.list(prefix)) {
      const target = join(local, object.key.slice(prefix.length));
      makeFolderSync(dirname(target));
      writeFileSync(target, await context.artifacts.get(object.key));
    }
    const source = `upload:${manifestKey}`;
    const registered =
      version === undefined
        ? await registerVersion(context, name, local, { source })
        : await adoptVersion(context, name, version, local, { source });
    await finish(context, manifestKey, 'registered', registered.version, null);
    return { manifestKey, name, status: 'registered', version: registered.version };
  } catch (error) {
    const reason = errorMessage(error);
    await finish(context, manifestKey, 'rejected', null, reason);
    return { manifestKey, name, status: 'rejected', reason };
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
}

async function isRegistered(context: RegistryContext, name: string, version: number): Promise<boolean> {
  const row = await context.metadata.db
    .selectFrom('model_versions')
    .select('version')
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Takes the claim on an upload. A fresh key is claimed by inserting its row; a stale claim by a
 * compare-and-set on its time, so two workers reclaiming it at once cannot both win.
 */
async function claim(
  context: RegistryContext,
  manifestKey: string,
  sha256: string,
  name: string,
  status: 'claimed' | 'registered',
  version: number | null,
  staleClaimedAt?: string,
): Promise<boolean> {
  const now = new Date().toISOString();
  if (staleClaimedAt !== undefined) {
    const result = await context.metadata.db
      .updateTable('upload_events')
      .set({ claimed_at: now })
      .where('manifest_key', '=', manifestKey)
      .where('status', '=', 'claimed')
      .where('claimed_at', '=', staleClaimedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
  const result = await context.metadata.db
    .insertInto('upload_events')
    .values({
      manifest_key: manifestKey,
      manifest_sha256: sha256,
      status,
      name,
      version,
      reason: null,
      claimed_at: now,
      finished_at: status === 'registered' ? now : null,
    })
    .onConflict((oc) => oc.column('manifest_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

async function finish(
  context: RegistryContext,
  manifestKey: string,
  status: 'registered' | 'rejected',
  version: number | null,
  reason: string | null,
): Promise<void> {
  await context.metadata.db
    .updateTable('upload_events')
    .set({ status, version, reason, finished_at: new Date().toISOString() })
    .where('manifest_key', '=', manifestKey)
    .execute();
}

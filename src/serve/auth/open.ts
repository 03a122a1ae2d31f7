/**
 * The service's key ring from its three sources (configuration, keys file, keys table), loaded
 * before the service answers, and the production rule: serving with no key in any source is
 * refused. The rule lives here, where the table is readable, not in the configuration loader —
 * `fleetcast keys create` itself must run under the production profile to make the first key.
 */
import type { Logger } from 'pino';
import type { FleetcastConfig } from '../../core/config/schema.js';
import { FleetcastError } from '../../core/errors.js';
import { loadActiveApiKeys, type MetadataStore, touchApiKeys } from '../../core/metadata/index.js';
import { KeyRing, type KeyTable } from './keys.js';

export function metadataKeyTable(metadata: MetadataStore): KeyTable {
  return {
    load: () => loadActiveApiKeys(metadata),
    touch: (ids, at) => touchApiKeys(metadata, ids, at),
  };
}

export async function openKeyRing(options: {
  config: FleetcastConfig;
  metadata: MetadataStore;
  logger: Logger;
}): Promise<KeyRing> {
  const { config, logger } = options;
  const production = config.profile === 'production';
  const keys = new KeyRing({
    keys: config.apiKeys,
    ...(config.serve.apiKeysFile ? { file: config.serve.apiKeysFile } : {}),
    table: metadataKeyTable(options.metadata),
    alwaysClosed: production,
    onWarning: (message) => logger.warn(message),
    onNotice: (message) => logger.info(message),
  });
  await keys.refresh({ strict: true });
  if (production && keys.size === 0) {
    throw new FleetcastError(
      'FLEETCAST_PRODUCTION_UNSAFE',
      'the production profile refuses to serve without API keys: none is in force in FLEETCAST_API_KEYS, serve.api_keys_file or the keys table',
      {
        hint: 'create one with `fleetcast keys create NAME` (shared by every replica), or set FLEETCAST_API_KEYS or FLEETCAST_SERVE_API_KEYS_FILE',
      },
    );
  }
  if (keys.open) logger.warn('no API keys are configured: the service is open to anyone who can reach it');
  else if (keys.size === 0) {
    logger.warn(
      'no API key is in force: every /api and /v2 request is refused until one is created (fleetcast keys create NAME)',
    );
  } else logger.info({ api_keys: keys.counts }, 'API keys loaded');
  return keys;
}

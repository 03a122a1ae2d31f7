/** The models page: every registered model with its versions, who holds which alias, and the alias history. */
import type { ModelOverview } from '../../contracts/dashboard.js';
import type { ModelRegistry, ModelVersion } from '../../registry/index.js';

export async function modelsOverview(registry: ModelRegistry): Promise<ModelOverview[]> {
  const byName = new Map<string, ModelVersion[]>();
  for (const v of await registry.list()) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  const out: ModelOverview[] = [];
  for (const [name, versions] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    versions.sort((a, b) => b.version - a.version);
    const aliases: Record<string, number> = {};
    for (const v of versions) for (const alias of v.aliases) aliases[alias] = v.version;
    const history = await registry.history(name);
    out.push({
      name,
      flavor: versions[0]!.flavor,
      latest: versions[0]!.version,
      aliases,
      versions: versions.map((v) => ({
        version: v.version,
        aliases: v.aliases,
        created_at: v.createdAt,
        created_by: v.createdBy,
        size_bytes: v.sizeBytes,
        metrics: v.metrics,
        source_run: v.sourceRun,
      })),
      history: history.map((h) => ({
        alias: h.alias,
        action: h.action,
        from_version: h.fromVersion,
        to_version: h.toVersion,
        changed_by: h.changedBy,
        changed_at: h.changedAt,
        reason: h.reason,
      })),
    });
  }
  return out;
}

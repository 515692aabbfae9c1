import type { Logger } from 'pino';
import type { CommandRunner } from '../../exec/index.js';
import type { LayerRegistry } from '../layers/registry.js';
import type { InventoryProvider } from '../providers/inventory.js';
import type { StorageProvider } from '../providers/provider.js';
import { applySnapshots } from '../snapshots/apply-snapshots.js';
import type { DesiredModel } from './desired-model.js';
import { removeResource } from './resource-apply.js';

export interface SweepDeps { runner: CommandRunner; log: Logger; layers: LayerRegistry }

/**
 * The cleanup of a full apply, run with no resource work beside it: resources to be removed
 * are torn down top → bottom first (their space is free for what is created next), then
 * whatever exists without being desired — left by a crash, a missed delete, or made behind
 * the satellite's back — is removed layer by layer, volume by volume, snapshot by snapshot.
 */
export async function sweepOrphans(model: DesiredModel, providers: Map<string, InventoryProvider>, deps: SweepDeps): Promise<void> {
  const { log, layers } = deps;
  for (const name of model.toRemove()) {
    await removeResource(layers, name, model.scoped(name)).catch((e: unknown) => log.error({ err: e, resource: name }, 'removing resource failed'));
  }
  const state = model.full();
  for (const layer of layers.all()) {
    if (layer.kind === 'STORAGE' || !layer.listResources) continue;
    for (const name of await layer.listResources().catch(() => [] as string[])) {
      if (model.wanted(name)) continue;
      log.info({ layer: layer.kind, resource: name }, 'removing orphaned resource');
      await layer.remove(name, state).catch((e: unknown) => log.error({ err: e, layer: layer.kind, resource: name }, 'removing orphan failed'));
    }
  }
  const removed = await layers.storage.removeOrphans(state, (pool, name, e) =>
    log.error({ err: e, pool, volume: name }, 'removing orphaned volume failed'));
  if (removed.length) log.info({ removed }, 'removed volumes that are not desired');
  await applySnapshots(state, providers as Map<string, StorageProvider>, [], deps, { removeOnly: true })
    .catch((e: unknown) => log.error({ err: e }, 'removing snapshots that are not desired failed'));
}

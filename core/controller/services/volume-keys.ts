/**
 * LUKS volume keys follow the volume definitions: created in the same state.mutate as the
 * volume definition (or the first LUKS resource), so a definition never exists without its
 * key, and refused with the "master passphrase is locked" error when the controller cannot
 * seal a new key. Keys are dropped with their volume / resource definition.
 */
import type { LayerKind, ResourceDefinition } from '../../model/types.js';
import { nameKey } from '../../model/names.js';
import { addVolumeKey, requireVolumeKey, volumeKeyRow } from '../encryption/index.js';
import type { ControllerContext } from '../context.js';
import type { Transaction } from '../state/cluster-state.js';
import { hasLuks } from './layers.js';

/** Whether any resource of the definition (or the definition's own stack) uses LUKS. */
export function definitionUsesLuks(ctx: ControllerContext, rd: ResourceDefinition, extraStacks: ReadonlyArray<readonly LayerKind[]> = []): boolean {
  if (hasLuks(rd.layerStack) || extraStacks.some(hasLuks)) return true;
  for (const r of ctx.state.resources.withPrefix(`${nameKey(rd.name)}/`)) if (hasLuks(r.layerStack)) return true;
  return false;
}

/**
 * Inside a mutation: makes sure every volume definition of `rd` has its key when LUKS is in
 * play, and that existing keys can be opened (a locked controller cannot deploy them).
 */
export function ensureVolumeKeysInTx(ctx: ControllerContext, tx: Transaction, rd: ResourceDefinition, extraStacks: ReadonlyArray<readonly LayerKind[]> = []): void {
  if (!definitionUsesLuks(ctx, rd, extraStacks)) return;
  for (const vd of rd.volumeDefinitions) {
    if (vd.flags.includes('DELETE')) continue;
    // A key from earlier is only useful if the controller can decrypt it now.
    if (ctx.state.secrets.has(volumeKeyRow(rd.name, vd.volumeNumber))) requireVolumeKey(ctx, rd.name, vd.volumeNumber);
    else addVolumeKey(ctx, tx, rd.name, vd.volumeNumber);
  }
}

import type { Logger } from 'pino';
import type { ReportedResource, ReportedVolume } from '../../model/satellite-protocol.js';
import type { InventoryProvider } from '../providers/inventory.js';
import { volumeName } from '../providers/provider.js';
import type { DesiredModel } from './desired-model.js';

const THIN = new Set(['FILE_THIN', 'LVM_THIN', 'ZFS_THIN']);

/**
 * Thin volumes fill up as data is written: thin pools are listed again (one listing per pool)
 * and resources whose top layer is STORAGE get the allocated size they have now, so
 * `volume list` does not show the size they had when created. Returns the resources whose
 * result changed (stored back into `results`).
 */
export async function refreshAllocated(model: DesiredModel, providers: Map<string, InventoryProvider>,
  results: Map<string, ReportedResource>, log: Logger): Promise<string[]> {
  for (const [name, p] of providers) {
    if (THIN.has(p.kind)) await p.relist().catch((e: unknown) => log.debug({ err: e, pool: name }, 'listing pool failed'));
  }
  const changed: string[] = [];
  for (const [name, r] of results) {
    const d = model.wanted(name);
    const storageOnTop = (d?.layerStack.length ? d.layerStack[0] : 'STORAGE') === 'STORAGE';
    if (!d || !storageOnTop || r.error) continue;
    let dirty = false;
    const volumes: ReportedVolume[] = [];
    for (const v of r.volumes) {
      const pool = d.volumes.find((x) => x.volumeNumber === v.volumeNumber)?.storagePool;
      const p = pool ? providers.get(pool) : undefined;
      const allocated = p && THIN.has(p.kind) ? (await p.volume(volumeName(name, v.volumeNumber)).catch(() => undefined))?.allocatedSizeKib : undefined;
      if (allocated === undefined || allocated === v.allocatedSizeKib) { volumes.push(v); continue; }
      dirty = true;
      volumes.push({ ...v, allocatedSizeKib: allocated, layers: v.layers?.map((l) => (l.type === 'STORAGE' ? { ...l, allocatedSizeKib: allocated } : l)) });
    }
    if (dirty) { results.set(name, { ...r, volumes }); changed.push(name); }
  }
  return changed;
}

/**
 * The GUI tests' common start: a real controller and one satellite (FILE_THIN), a resource
 * group, a resource spawned from it (STORAGE layer, one replica) with a snapshot, and the
 * browser — all torn down even when the start fails half way.
 */
import { call, startPlacementCluster, type PCluster } from '../placement-e2e/cluster.js';
import { openGui, type Gui } from './browser.js';

export interface GuiFixture { c: PCluster; gui: Gui; ui: string; rg: string; rd: string; snap: string; close(): Promise<void> }

/** `prefix` names the objects; `subnet`/`firstAddress` place the satellite (127.0.subnet.first). */
export async function guiWithResource(prefix: string, where: { subnet?: number; firstAddress: number }): Promise<GuiFixture> {
  const id = Math.random().toString(36).slice(2, 7);
  const names = { rg: `${prefix}rg${id}`, rd: `${prefix}rd${id}`, snap: `${prefix}snap${id}` };
  const c = await startPlacementCluster(1, where);
  let gui: Gui | undefined;
  const close = async () => { await gui?.close(); await c.teardown(); };
  try {
    gui = await openGui();
    const ok = (r: { status: number; body: unknown }) => { if (r.status >= 300) throw new Error(JSON.stringify(r.body)); };
    ok(await call(c.ctl, 'POST', '/v1/resource-groups', { name: names.rg, select_filter: { place_count: 1, storage_pool: c.pool, layer_stack: ['STORAGE'] } }));
    ok(await call(c.ctl, 'POST', `/v1/resource-groups/${names.rg}/spawn`, { resource_definition_name: names.rd, volume_sizes: [4096] }));
    ok(await call(c.ctl, 'POST', `/v1/resource-definitions/${names.rd}/snapshots`, { name: names.snap }));
    return { c, gui, ui: `${c.ctl.url}/ui/`, ...names, close };
  } catch (e) {
    await close();
    throw e;
  }
}

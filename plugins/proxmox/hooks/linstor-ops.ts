/**
 * The few multi-call LINSTOR operations the hooks share (snapshot restore, waiting until a
 * resource is no longer in use, looking up one node's resource).
 */
import type { LinstorClient, ResourceWithVolumes } from '../../../core/client/index.js';
import { ignoreNotFound } from '../context.js';

export async function resourceOnNode(c: LinstorClient, res: string, node: string): Promise<ResourceWithVolumes | undefined> {
  const list = await c.resources.view({ resources: [res], nodes: [node] });
  return list.find((r) => r.name?.toUpperCase() === res.toUpperCase() && r.node_name?.toUpperCase() === node.toUpperCase());
}

export async function resourceDefinitionExists(c: LinstorClient, res: string): Promise<boolean> {
  return (await ignoreNotFound(() => c.resourceDefinitions.get(res))) !== undefined;
}

/**
 * Creates resource definition `to` from snapshot `snap` of `from` (definitions, then
 * resources where the snapshot lives). A failure removes the half-made `to` again.
 */
export async function restoreSnapshot(c: LinstorClient, from: string, snap: string, to: string, opts: { resourceGroup?: string; props?: Record<string, string> } = {}): Promise<void> {
  await c.resourceDefinitions.create({
    resource_definition: { name: to, ...(opts.resourceGroup ? { resource_group_name: opts.resourceGroup } : {}), ...(opts.props ? { props: opts.props } : {}) },
  });
  try {
    await c.snapshots.restoreVolumeDefinition(from, snap, { to_resource: to });
    await c.snapshots.restoreResource(from, snap, { to_resource: to });
  } catch (e) {
    await ignoreNotFound(() => c.resourceDefinitions.delete(to)).catch(() => undefined);
    throw e;
  }
}

/** linstor-proxmox waits up to 10 s for QEMU to let go of a disk before deleting it. */
export async function waitUntilNotInUse(c: LinstorClient, res: string, tries = 10, pauseMs = 1000): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    const view = await c.resources.view({ resources: [res] });
    if (!view.some((r) => r.state?.in_use)) return true;
    if (i < tries - 1) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return false;
}

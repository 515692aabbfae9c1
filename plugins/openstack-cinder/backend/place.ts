/**
 * Stand-in for `POST /v1/resource-groups/{rg}/spawn` while a controller lacks it (ours did
 * not have it when this adapter was written): definition, volume definition, then diskful
 * resources on the `place_count` nodes with the most free space in the group's pools.
 * Nothing here is used once the controller answers spawn.
 */
import type { LinstorClient, ResourceGroup } from '../../../core/client/index.js';

export async function spawnWithoutSpawn(client: LinstorClient, rg: ResourceGroup, resource: string, sizeKib: number, props: Record<string, string>): Promise<void> {
  const f = rg.select_filter ?? {};
  const want = f.place_count ?? 2;
  const pools = (await client.storagePools.list())
    .filter((p) => p.provider_kind !== 'DISKLESS' && p.node_name)
    .filter((p) => !f.storage_pool_list?.length || f.storage_pool_list.includes(p.storage_pool_name))
    .filter((p) => (p.free_capacity ?? 0) >= sizeKib || /THIN/.test(p.provider_kind))
    .sort((a, b) => (b.free_capacity ?? 0) - (a.free_capacity ?? 0));
  const chosen = new Map<string, string>();
  for (const p of pools) if (chosen.size < want && !chosen.has(p.node_name!)) chosen.set(p.node_name!, p.storage_pool_name);
  if (chosen.size < want) throw new Error(`Not enough nodes with space in ${f.storage_pool_list?.join(',') ?? 'any pool'}: need ${want}, found ${chosen.size}`);
  await client.resourceDefinitions.create({ resource_definition: { name: resource, resource_group_name: rg.name, props } });
  try {
    await client.resourceDefinitions.createVolumeDefinition(resource, { volume_definition: { volume_number: 0, size_kib: sizeKib } });
    await client.resources.create(resource, [...chosen].map(([node, pool]) => ({
      resource: { node_name: node, props: { StorPoolName: pool } },
      ...(f.layer_stack ? { layer_list: f.layer_stack } : {}),
    })));
  } catch (e) {
    await client.resourceDefinitions.delete(resource).catch(() => undefined);
    throw e;
  }
}

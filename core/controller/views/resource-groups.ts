import type { AutoSelectFilter, ResourceGroup, VolumeGroup } from '../../model/types.js';
import { compact } from './compact.js';

export function selectFilterView(f: AutoSelectFilter): Record<string, unknown> {
  // LINSTOR always sends diskless_on_remaining (a primitive boolean in its pojo).
  return compact({ ...f, diskless_on_remaining: f.diskless_on_remaining ?? false } as Record<string, unknown>);
}

export function resourceGroupView(rg: ResourceGroup): Record<string, unknown> {
  return compact({
    name: rg.name,
    description: rg.description,
    props: rg.props,
    select_filter: selectFilterView(rg.selectFilter),
    uuid: rg.uuid,
    peer_slots: rg.peerSlots,
  });
}

export function volumeGroupView(vg: VolumeGroup): Record<string, unknown> {
  return compact({ volume_number: vg.volumeNumber, props: vg.props, uuid: vg.uuid, flags: vg.flags });
}

import type * as api from '../../api/index.js';
import type { AutoSelectFilter, ResourceGroup, VolumeGroup } from '../../model/types.js';
import { compact } from './compact.js';

export function selectFilterView(f: AutoSelectFilter): api.AutoSelectFilter {
  // LINSTOR always sends diskless_on_remaining (a primitive boolean in its pojo).
  return compact({ ...f, diskless_on_remaining: f.diskless_on_remaining ?? false } as Record<string, unknown>);
}

export function resourceGroupView(rg: ResourceGroup): api.ResourceGroup {
  return compact({
    name: rg.name,
    description: rg.description,
    props: rg.props,
    select_filter: selectFilterView(rg.selectFilter),
    uuid: rg.uuid,
    peer_slots: rg.peerSlots,
  });
}

export function volumeGroupView(vg: VolumeGroup): api.VolumeGroup {
  return compact({ volume_number: vg.volumeNumber, props: vg.props, uuid: vg.uuid, flags: vg.flags });
}

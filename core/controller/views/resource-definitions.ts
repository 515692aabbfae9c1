import type * as api from '../../api/index.js';
import type { ResourceDefinition, VolumeDefinition } from '../../model/types.js';
import { hasDrbd } from '../services/layers.js';
import { compact } from './compact.js';

/** LINSTOR's defaults for the DRBD resource-definition layer. */
export const DEFAULT_PEER_SLOTS = 7;
export const DEFAULT_AL_STRIPES = 1;
export const DEFAULT_AL_STRIPE_SIZE_KIB = 32;
export const DEFAULT_TRANSPORT = 'IP';

export function drbdRscDfnData(rd: ResourceDefinition): Record<string, unknown> {
  const d = rd.drbd ?? {};
  return {
    resource_name_suffix: '',
    ...compact({
      peer_slots: d.peerSlots ?? DEFAULT_PEER_SLOTS,
      al_stripes: d.alStripes ?? DEFAULT_AL_STRIPES,
      al_stripe_size_kib: d.alStripeSizeKib ?? DEFAULT_AL_STRIPE_SIZE_KIB,
      port: d.port,
      transport_type: d.transportType ?? DEFAULT_TRANSPORT,
      secret: d.secret,
    }),
    down: false,
  };
}

export function volumeDefinitionView(rd: ResourceDefinition, vd: VolumeDefinition): api.VolumeDefinition {
  const drbd = hasDrbd(rd.layerStack);
  return compact({
    volume_number: vd.volumeNumber,
    size_kib: vd.sizeKib,
    props: vd.props,
    flags: vd.flags,
    layer_data: rd.layerStack.map((t) => (t === 'DRBD' && drbd
      ? { type: t, data: { resource_name_suffix: '', ...compact({ volume_number: vd.volumeNumber, minor_number: vd.minorNumber }) } }
      : { type: t })),
    uuid: vd.uuid,
  });
}

/** The wire ResourceDefinition; volume_definitions only when asked (?with_volume_definitions). */
export function resourceDefinitionView(rd: ResourceDefinition, withVolumeDefinitions = false): api.ResourceDefinition {
  return compact({
    name: rd.name,
    external_name: rd.externalName,
    props: rd.props,
    flags: rd.flags,
    layer_data: rd.layerStack.map((t) => (t === 'DRBD' ? { type: t, data: drbdRscDfnData(rd) } : { type: t })),
    uuid: rd.uuid,
    resource_group_name: rd.resourceGroup,
    volume_definitions: withVolumeDefinitions ? rd.volumeDefinitions.map((vd) => volumeDefinitionView(rd, vd)) : undefined,
  });
}

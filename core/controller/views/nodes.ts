import type * as api from '../../api/index.js';
import { nameKey } from '../../model/names.js';
import type { NetInterface, Node } from '../../model/types.js';
import type { RuntimeState } from '../state/runtime.js';
import { compact } from './compact.js';

export function netInterfaceView(n: NetInterface, active: boolean): api.NetInterface {
  return compact({
    name: n.name,
    address: n.address,
    satellite_port: n.satellitePort,
    satellite_encryption_type: n.satelliteEncryptionType,
    is_active: active,
    uuid: n.uuid,
  });
}

/** The wire shape of a Node, with the connection status and capabilities its satellite reported. */
export function nodeView(node: Node, runtime: RuntimeState): api.Node {
  const rt = runtime.nodes.get(nameKey(node.name));
  const hello = rt?.hello;
  const active = node.activeNetInterface ?? node.netInterfaces[0]?.name;
  return compact({
    name: node.name,
    type: node.type,
    flags: node.flags,
    // LINSTOR sets CurStltConnName when the node is created (also while it is offline); NodeUname
    // once the satellite has said hello.
    props: {
      ...node.props,
      ...(active !== undefined ? { CurStltConnName: active } : {}),
      ...(hello ? { NodeUname: hello.uname } : {}),
    },
    net_interfaces: node.netInterfaces.map((n) => netInterfaceView(n, n.name === active)),
    connection_status: node.type === 'CONTROLLER' || node.type === 'AUXILIARY' ? undefined : (rt?.status ?? 'OFFLINE'),
    uuid: node.uuid,
    storage_providers: hello?.providers,
    resource_layers: hello?.layers,
    unsupported_providers: hello?.unsupportedProviders,
    unsupported_layers: hello?.unsupportedLayers,
    eviction_timestamp: node.evictionTimestamp,
  });
}

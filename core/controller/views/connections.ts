import type * as api from '../../api/index.js';
import type { Props } from '../../model/types.js';
import { compact } from './compact.js';

export interface ConnectionRow { nodeA: string; nodeB: string; props: Props }

export function nodeConnectionView(c: ConnectionRow): api.NodeConnection {
  return compact({ node_a: c.nodeA, node_b: c.nodeB, props: c.props });
}

export function resourceConnectionView(c: ConnectionRow & { flags?: string[]; port?: number }): api.ResourceConnection {
  return compact({ node_a: c.nodeA, node_b: c.nodeB, props: c.props, flags: c.flags, port: c.port });
}

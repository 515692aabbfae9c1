import type { Props } from '../../model/types.js';
import { compact } from './compact.js';

export interface ConnectionRow { nodeA: string; nodeB: string; props: Props }

export function nodeConnectionView(c: ConnectionRow): Record<string, unknown> {
  return compact({ node_a: c.nodeA, node_b: c.nodeB, props: c.props });
}

export function resourceConnectionView(c: ConnectionRow & { flags?: string[] }): Record<string, unknown> {
  return compact({ node_a: c.nodeA, node_b: c.nodeB, props: c.props, flags: c.flags });
}

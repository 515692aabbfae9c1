import type { Props } from '../model/types.js';
import type { PropLevel } from './resolver.js';

/**
 * The one inheritance order of property levels, most general first: a value set on a later
 * level overrides one set on an earlier level. It follows linstor-server, whose storage pool
 * resolution (`CtrlStorPoolResolveHelper`) reads resource > volume definition > resource
 * definition > resource group > node, and whose volume-level lookups (storage providers,
 * `DrbdOptions/auto-block-size`) read volume definition > resource definition > volume group
 * > resource group > node > controller. Connections sit on top: they are the most specific.
 */
export const PROP_LEVELS = [
  'controller',
  'node',
  'storage-pool-definition',
  'storage-pool',
  'resource-group',
  'volume-group',
  'resource-definition',
  'volume-definition',
  'resource',
  'volume',
  'node-connection',
  'resource-connection',
] as const;
export type PropLevelName = (typeof PROP_LEVELS)[number];

/** Something that carries props: any model object, or a bare map (controller props). */
export type PropSource = { props: Props } | Props | undefined;

/** The objects a value may come from; absent ones are skipped. */
export interface PropSources {
  controller?: PropSource;
  node?: PropSource;
  storagePoolDefinition?: PropSource;
  storagePool?: PropSource;
  resourceGroup?: PropSource;
  volumeGroup?: PropSource;
  resourceDefinition?: PropSource;
  volumeDefinition?: PropSource;
  resource?: PropSource;
  volume?: PropSource;
  /** Several connections may apply (node pair, resource pair): each is one level. */
  nodeConnection?: PropSource | PropSource[];
  resourceConnection?: PropSource | PropSource[];
}

const FIELD: Record<PropLevelName, keyof PropSources> = {
  controller: 'controller',
  node: 'node',
  'storage-pool-definition': 'storagePoolDefinition',
  'storage-pool': 'storagePool',
  'resource-group': 'resourceGroup',
  'volume-group': 'volumeGroup',
  'resource-definition': 'resourceDefinition',
  'volume-definition': 'volumeDefinition',
  resource: 'resource',
  volume: 'volume',
  'node-connection': 'nodeConnection',
  'resource-connection': 'resourceConnection',
};

function propsOf(s: PropSource): Props | undefined {
  if (s === undefined) return undefined;
  return typeof (s as { props?: unknown }).props === 'object' && (s as { props?: unknown }).props !== null
    ? (s as { props: Props }).props
    : (s as Props);
}

/**
 * The levels for resolveProp/propValue/mergeProps, in the one order, from whichever objects
 * the caller has. Every hand-built chain goes through here so no two places disagree.
 */
export function propChain(src: PropSources): PropLevel[] {
  const out: PropLevel[] = [];
  for (const level of PROP_LEVELS) {
    const v = src[FIELD[level]];
    for (const s of Array.isArray(v) ? v : [v]) {
      const props = propsOf(s);
      if (props) out.push({ level, props });
    }
  }
  return out;
}

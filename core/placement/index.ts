/** The placement module's public surface: the controller imports from here only. */
export { autoplace, replicasToAdd } from './autoplacer.js';
export { effectiveFreeKib, isThin, DEFAULT_MAX_OVERSUBSCRIPTION_RATIO } from './capacity.js';
export { indexCluster } from './cluster-index.js';
export { readWeights, DEFAULT_WEIGHTS } from './strategies.js';
export { NodeNumberAllocator, parseRange, DEFAULT_TCP_PORT_RANGE, DEFAULT_MINOR_RANGE } from './numbers.js';
export type { NumberRange, NumberKind } from './numbers.js';
export * from './types.js';

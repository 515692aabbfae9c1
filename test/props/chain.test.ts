import test from 'ava';
import { propChain } from '../../core/props/chain.js';
import { mergeProps, propValue, resolveProp } from '../../core/props/resolver.js';
import { disklessStorPoolName, resolveStorPoolName } from '../../core/props/stor-pool-name.js';

const p = (v: string) => ({ props: { 'Aux/k': v, StorPoolName: v } });

test('a property set on a more specific object wins, in one order whatever the caller passes', (t) => {
  // Passed in a scrambled order on purpose: the chain, not the caller, decides.
  const levels = propChain({
    resource: p('rsc'), controller: { 'Aux/k': 'ctrl' }, resourceGroup: p('rg'), volume: p('vlm'),
    resourceDefinition: p('rd'), node: p('node'), volumeGroup: p('vg'), volumeDefinition: p('vd'),
  });
  t.deepEqual(levels.map((l) => l.level),
    ['controller', 'node', 'resource-group', 'volume-group', 'resource-definition', 'volume-definition', 'resource', 'volume']);
  const r = resolveProp('Aux/k', levels)!;
  t.is(r.value, 'vlm');
  t.deepEqual(r.overridden.map((o) => o.value), ['rsc', 'vd', 'rd', 'vg', 'rg', 'node', 'ctrl']);
  // Pool props: storage pool < definition < node < controller, the satellite's effective pool props.
  t.is(propValue('Aux/k', propChain({ storagePool: p('sp'), controller: { 'Aux/k': 'ctrl' }, node: p('node'), storagePoolDefinition: p('spd') })), 'sp');
  t.is(propValue('Aux/k', propChain({ controller: { 'Aux/k': 'ctrl' }, node: p('node'), storagePoolDefinition: p('spd') })), 'spd');
  t.deepEqual(propChain({ resourceGroup: undefined, resourceDefinition: p('rd') }).map((l) => l.level), ['resource-definition'], 'absent objects are skipped');
  t.deepEqual(propChain({ nodeConnection: [p('a'), p('b')], resourceConnection: p('c') }).map((l) => l.level),
    ['node-connection', 'node-connection', 'resource-connection'], 'several connections are several levels');
});

test('the merged props a satellite gets hold the most specific value of each key, and every key of every level', (t) => {
  const merged = mergeProps(propChain({ resource: { 'Aux/k': 'rsc' }, controller: { 'Aux/k': 'ctrl', 'Aux/only-ctrl': 'c' }, node: { 'Aux/k': 'node', 'Aux/n': 'n' } }));
  t.deepEqual(merged, { 'Aux/k': 'rsc', 'Aux/only-ctrl': 'c', 'Aux/n': 'n' });
});

test('StorPoolName resolves as linstor-server does: resource > volume definition > definition > group > node, then peers, then DfltStorPool', (t) => {
  const sp = (v: string) => ({ StorPoolName: v });
  t.deepEqual(resolveStorPoolName({ resource: sp('r'), volumeDefinition: sp('vd'), resourceDefinition: sp('rd'), resourceGroup: sp('rg'), node: sp('n') }), { name: 'r', source: 'resource' });
  // The two orders found in the code before: the volume definition beats the resource definition.
  t.deepEqual(resolveStorPoolName({ volumeDefinition: sp('vd'), resourceDefinition: sp('rd'), resourceGroup: sp('rg') }), { name: 'vd', source: 'volume-definition' });
  t.deepEqual(resolveStorPoolName({ resourceDefinition: sp('rd'), resourceGroup: sp('rg'), node: sp('n') }), { name: 'rd', source: 'resource-definition' });
  t.deepEqual(resolveStorPoolName({ resourceGroup: sp('rg'), node: sp('n') }), { name: 'rg', source: 'resource-group' });
  t.deepEqual(resolveStorPoolName({ node: sp('n'), resourceGroupFilter: { storage_pool: 'f' } }), { name: 'n', source: 'node' });
  t.deepEqual(resolveStorPoolName({ resource: sp(''), resourceGroup: sp('rg') }), { name: 'rg', source: 'resource-group' }, 'an empty value looks further');
  t.deepEqual(resolveStorPoolName({ explicit: 'cli', resource: sp('r') }), { name: 'cli', source: 'explicit' });
  // Ours: the group's select filter before the fallbacks.
  t.deepEqual(resolveStorPoolName({ resourceGroupFilter: { storage_pool_list: ['rgl'] } }), { name: 'rgl', source: 'resource-group-select-filter' });
  // Unset: the first peer pool that exists on this node, else the default.
  const here = new Set(['fast']);
  t.deepEqual(resolveStorPoolName({ peerPools: ['slow', 'fast'], existsOnNode: (x) => here.has(x) }), { name: 'fast', source: 'peer' });
  t.deepEqual(resolveStorPoolName({ peerPools: ['slow'], existsOnNode: (x) => here.has(x) }), { name: 'DfltStorPool', source: 'default' });
  t.deepEqual(resolveStorPoolName({}), { name: 'DfltStorPool', source: 'default' });
  // Diskless: only the resource's own diskless pool counts.
  t.is(disklessStorPoolName({ StorPoolName: 'dl' }, (x) => x === 'dl'), 'dl');
  t.is(disklessStorPoolName({ StorPoolName: 'fast' }, (x) => x === 'dl'), 'DfltDisklessStorPool');
  t.is(disklessStorPoolName(undefined, () => true), 'DfltDisklessStorPool');
});

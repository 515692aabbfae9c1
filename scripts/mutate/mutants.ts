/**
 * The mutations `npm run mutate` makes: one small bug each, in the code a user's request goes
 * through (model rules, placement, properties, the adapters' request handling), with the test
 * files that claim to cover it. A mutation the tests let pass "survives".
 *
 * `find` must occur exactly once in `file` (the runner refuses a stale list). The six
 * mutations of issue 14's table are marked `issue14`.
 */

export interface Mutant {
  id: string;
  /** Folder the score is reported for. */
  folder: string;
  file: string;
  find: string;
  replace: string;
  /** What the bug does, as a user would notice it. */
  what: string;
  /** Compiled test files (under dist/) that claim to cover this code. */
  tests: string[];
  issue14?: boolean;
}

const t = (...names: string[]): string[] => names.map((n) => `dist/test/${n}.test.js`);

const PLACEMENT = t('placement/autoplace-constraints', 'placement/autoplace-properties', 'placement/numbers-and-pools');
const NAMES = t('controller/name-boundaries', 'controller/resource-definitions', 'controller/resource-groups', 'controller/nodes', 'controller/kvs', 'controller/storage-pools');
const PROPS = t('props/chain', 'controller/props-inheritance', 'controller/controller-props', 'controller/kvs');

export const MUTANTS: Mutant[] = [
  // ---- core/model ------------------------------------------------------------------------
  { id: 'model-rsc-name-max', folder: 'core/model', file: 'core/model/names.ts', issue14: true,
    find: "resource: { min: 2, max: 48,", replace: "resource: { min: 2, max: 47,",
    what: 'a 48-character resource name is refused', tests: NAMES },
  { id: 'model-rsc-name-min', folder: 'core/model', file: 'core/model/names.ts',
    find: "resource: { min: 2, max: 48,", replace: "resource: { min: 1, max: 48,",
    what: 'a one-character resource name is accepted', tests: NAMES },
  { id: 'model-node-name-max', folder: 'core/model', file: 'core/model/names.ts',
    find: "node: { min: 2, max: 255,", replace: "node: { min: 2, max: 256,",
    what: 'a 256-character node name is accepted', tests: NAMES },
  { id: 'model-pool-name-min', folder: 'core/model', file: 'core/model/names.ts',
    find: "'storage-pool': { min: 3,", replace: "'storage-pool': { min: 2,",
    what: 'a two-character storage pool name is accepted', tests: NAMES },
  { id: 'model-netif-name-max', folder: 'core/model', file: 'core/model/names.ts',
    find: "'net-interface': { min: 2, max: 20,", replace: "'net-interface': { min: 2, max: 21,",
    what: 'a 21-character interface name is accepted', tests: NAMES },
  { id: 'model-name-first-char', folder: 'core/model', file: 'core/model/names.ts',
    find: 'const GENERIC = /^[A-Za-z_][A-Za-z0-9_-]*$/;', replace: 'const GENERIC = /^[A-Za-z0-9_-]+$/;',
    what: 'a name starting with a digit or hyphen is accepted', tests: NAMES },
  { id: 'model-host-label-max', folder: 'core/model', file: 'core/model/names.ts',
    find: 'label.length > 63', replace: 'label.length > 64',
    what: 'a 64-character host name label is accepted', tests: NAMES },
  { id: 'model-name-case', folder: 'core/model', file: 'core/model/names.ts',
    find: 'return name.toUpperCase();', replace: 'return name;',
    what: 'names become case-sensitive (rsc and RSC are two resources)', tests: t('controller/resource-definitions', 'controller/kvs', 'controller/storage-pools') },
  { id: 'model-size-min', folder: 'core/model', file: 'core/model/sizes.ts',
    find: 'export const MIN_VOLUME_KIB = 4;', replace: 'export const MIN_VOLUME_KIB = 0;',
    what: 'a zero-size volume definition is accepted', tests: t('controller/volume-definitions') },
  { id: 'cli-size-unit', folder: 'core/cli', file: 'core/cli/units.ts',
    find: 'g: BIN(3), gb: DEC(9),', replace: 'g: DEC(9), gb: DEC(9),',
    what: "'10G' is read as decimal gigabytes", tests: t('cli/parsing') },
  { id: 'cli-size-default-unit', folder: 'core/cli', file: 'core/cli/units.ts',
    find: "export function parseSizeKib(text: string, defaultUnit = 'GiB'): number {", replace: "export function parseSizeKib(text: string, defaultUnit = 'KiB'): number {",
    what: '`vd c rsc 10` makes a 10 KiB volume', tests: t('cli/parsing') },
  { id: 'model-layer-luks-below', folder: 'core/model', file: 'core/model/layer-stack-rules.ts',
    find: "  LUKS: ['STORAGE'],", replace: "  LUKS: ['STORAGE', 'CACHE'],",
    what: 'LUKS on a cache layer is accepted', tests: t('layers/layer-stack-rules') },
  { id: 'model-layer-end-storage', folder: 'core/model', file: 'core/model/layer-stack-rules.ts',
    find: "if (stack[stack.length - 1] !== 'STORAGE') throw", replace: "if (stack.length === 0) throw",
    what: 'a layer stack that does not end with STORAGE is accepted', tests: t('layers/layer-stack-rules') },
  { id: 'model-layer-twice', folder: 'core/model', file: 'core/model/layer-stack-rules.ts',
    find: 'if (seen.has(k)) throw', replace: 'if (seen.has(k) && k === \'STORAGE\') throw',
    what: 'a layer used twice is accepted', tests: t('layers/layer-stack-rules') },
  { id: 'model-drbd-range', folder: 'core/model', file: 'core/model/drbd-options.ts',
    find: 'if (n === undefined || n < o.min! || n > o.max!) throw invalid(o, value);', replace: 'if (n === undefined || n < o.min!) throw invalid(o, value);',
    what: 'a DRBD option above its maximum is accepted', tests: t('drbd/options') },
  { id: 'model-drbd-quote', folder: 'core/model', file: 'core/model/drbd-options.ts',
    find: 'if (/["\\n\\r\\\\]/.test(v) || v === \'\') throw', replace: 'if (v === \'\') throw',
    what: 'a quote in a DRBD string option breaks out of the .res file', tests: t('drbd/options') },
  { id: 'model-http-404', folder: 'core/model', file: 'core/model/apicallrc.ts',
    find: 'if (code >= 300 && code <= 399) return 404;', replace: 'if (code >= 300 && code <= 399) return 500;',
    what: 'a missing object answers 500 instead of 404', tests: t('controller/kvs', 'controller/resource-definitions') },

  // ---- core/placement --------------------------------------------------------------------
  { id: 'placement-rod-existing', folder: 'core/placement', file: 'core/placement/constraints.ts', issue14: true,
    find: '  for (const d of diffByKey.values()) {\n    for (const n of existing) {', replace: '  for (const d of diffByKey.values()) {\n    for (const n of [] as PlacementNode[]) {',
    what: 'replicas-on-different ignores the replicas already placed', tests: PLACEMENT },
  { id: 'placement-ros-fixed', folder: 'core/placement', file: 'core/placement/constraints.ts',
    find: "if (s.fixed !== undefined && v !== s.fixed) return", replace: "if (s.fixed !== undefined && v === undefined) return",
    what: 'replicas-on-same key=value lets another value in', tests: PLACEMENT },
  { id: 'placement-rod-forbidden', folder: 'core/placement', file: 'core/placement/constraints.ts',
    find: '      d.forbidden.add(value);\n      d.remaining.set(value, -1);', replace: '',
    what: 'replicas-on-different key=value places on that value', tests: PLACEMENT },
  { id: 'placement-offline', folder: 'core/placement', file: 'core/placement/filter.ts',
    find: "if (!node.online) return 'is offline';", replace: '',
    what: 'an offline node gets a replica', tests: PLACEMENT },
  { id: 'placement-target-false', folder: 'core/placement', file: 'core/placement/filter.ts',
    find: "if (target?.toLowerCase() === 'false') return", replace: "if (target === 'FALSE') return",
    what: 'AutoplaceTarget=false is ignored', tests: PLACEMENT },
  { id: 'placement-free-space', folder: 'core/placement', file: 'core/placement/filter.ts',
    find: 'if (free < inp.sizeKib) return [6,', replace: 'if (free < inp.sizeKib / 2) return [6,',
    what: 'a pool with too little free space is chosen', tests: PLACEMENT },
  { id: 'placement-pool-list', folder: 'core/placement', file: 'core/placement/filter.ts',
    find: 'if (ctx.poolNames && !ctx.poolNames.has(pool.name.toUpperCase())) return [1,', replace: 'if (ctx.poolNames && ctx.poolNames.size === 0) return [1,',
    what: 'the storage pool list is ignored', tests: PLACEMENT },
  { id: 'placement-provider-list', folder: 'core/placement', file: 'core/placement/filter.ts',
    find: 'if (ctx.providers && !ctx.providers.has(pool.providerKind)) return [2,', replace: 'if (ctx.providers && ctx.providers.size === 0) return [2,',
    what: 'the provider list is ignored', tests: PLACEMENT },
  { id: 'placement-dnpw', folder: 'core/placement', file: 'core/placement/filter.ts',
    find: "if (blocker !== undefined) return `has resource '${blocker}' (do-not-place-with)`;", replace: '',
    what: 'do-not-place-with is ignored', tests: PLACEMENT },
  { id: 'placement-thin-ratio', folder: 'core/placement', file: 'core/placement/capacity.ts',
    find: 'export const DEFAULT_MAX_OVERSUBSCRIPTION_RATIO = 20;', replace: 'export const DEFAULT_MAX_OVERSUBSCRIPTION_RATIO = 1;',
    what: 'thin pools are not over-provisioned by default', tests: PLACEMENT },
  { id: 'placement-thick-reserved', folder: 'core/placement', file: 'core/placement/capacity.ts',
    find: 'Math.min(pool.freeKib, total - pool.reservedKib)', replace: 'Math.min(pool.freeKib, total)',
    what: 'space reserved by placed volumes counts as free', tests: PLACEMENT },
  { id: 'placement-count-topup', folder: 'core/placement', file: 'core/placement/autoplacer.ts',
    find: 'if (place !== undefined && place > existingDiskful) return place - existingDiskful;', replace: 'if (place !== undefined && place > existingDiskful) return place;',
    what: 'place_count adds that many replicas instead of topping up to it', tests: PLACEMENT },
  { id: 'placement-score-sign', folder: 'core/placement', file: 'core/placement/strategies.ts',
    find: 'const signed = MINIMISE.has(s) ? -w : w;', replace: 'const signed = w;',
    what: 'MinReservedSpace and MinRscCount prefer the fullest pools', tests: PLACEMENT },
  { id: 'placement-x-partial', folder: 'core/placement', file: 'core/placement/selector.ts',
    find: '.filter((left) => left > 0).length <= 1);', replace: '.filter((left) => left > 0).length <= 9);',
    what: 'x-replicas-on-different spreads 1+1+1 instead of 2+1', tests: PLACEMENT },
  { id: 'placement-mixing', folder: 'core/placement', file: 'core/placement/selector.ts',
    find: 'if (opts.allowMixing || opts.existingKinds.size > 1) return [usable];', replace: 'return [usable];',
    what: 'one resource mixes storage drivers (LVM with ZFS)', tests: PLACEMENT },
  { id: 'placement-port-shared', folder: 'core/placement', file: 'core/placement/numbers.ts',
    find: 'if (preferred !== undefined && nodes.every((n) => this.isFree(n, preferred))) return preferred;', replace: 'if (preferred !== undefined) return preferred;',
    what: 'a preferred port is handed out although a node already uses it', tests: PLACEMENT },
  { id: 'placement-range-check', folder: 'core/placement', file: 'core/placement/numbers.ts',
    find: 'if (!m || min > max || min < lim.min || max > lim.max) {', replace: 'if (!m || min < lim.min || max > lim.max) {',
    what: 'a TCP port range "8000-7000" is accepted', tests: PLACEMENT },

  // ---- core/props ------------------------------------------------------------------------
  { id: 'props-storpool-order', folder: 'core/props', file: 'core/props/chain.ts',
    find: "  'volume-definition',\n  'resource',\n", replace: "  'resource',\n  'volume-definition',\n",
    what: "a volume definition's StorPoolName beats the one set on the resource", tests: [...t('props/chain'), ...PLACEMENT] },
  { id: 'props-specific-wins', folder: 'core/props', file: 'core/props/resolver.ts',
    find: 'for (let i = levels.length - 1; i >= 0; i--) {', replace: 'for (let i = 0; i < levels.length; i++) {',
    what: 'a controller property beats the resource\'s own', tests: PROPS },
  { id: 'props-merge-order', folder: 'core/props', file: 'core/props/resolver.ts',
    find: 'return Object.assign({}, ...levels.map((l) => l.props)) as Props;', replace: 'return Object.assign({}, ...levels.map((l) => l.props).reverse()) as Props;',
    what: 'satellites get the general value instead of the specific one', tests: PROPS },
  { id: 'props-whitelist', folder: 'core/props', file: 'core/props/keys.ts',
    find: "  throw new ApiError('FAIL_INVLD_PROP', `The key '${key}' is not whitelisted.`, {", replace: "  if (key) return key;\n  throw new ApiError('FAIL_INVLD_PROP', `The key '${key}' is not whitelisted.`, {",
    what: "a typo such as 'StorPoolNam' is stored silently", tests: PROPS },
  { id: 'props-value-length', folder: 'core/props', file: 'core/props/keys.ts',
    find: 'export const MAX_VALUE_LENGTH = 16384;', replace: 'export const MAX_VALUE_LENGTH = 1 << 20;',
    what: 'a 20,000-character property value is stored', tests: PROPS },
  { id: 'props-delete-namespace', folder: 'core/props', file: 'core/props/modify.ts',
    find: "const prefix = ns.endsWith('/') ? ns : `${ns}/`;", replace: 'const prefix = ns;',
    what: "deleting namespace 'Aux/a' also deletes 'Aux/ab'", tests: PROPS },
  { id: 'props-unset-warn', folder: 'core/props', file: 'core/props/modify.ts',
    find: '    else unsetDeletes.push(k);', replace: '',
    what: 'deleting an unset key no longer warns', tests: PROPS },

  // ---- core/api (the REST edge) ----------------------------------------------------------
  { id: 'api-coerce', folder: 'core/api', file: 'core/api/validate.ts', issue14: true,
    find: 'coerceTypes: true,', replace: 'coerceTypes: false,',
    what: 'place_count "2" is refused, although LINSTOR (Jackson) accepts it', tests: t('controller/resource-groups', 'compat/python-clients') },

  // ---- adapters' request handling ---------------------------------------------------------
  { id: 'csi-snapshot-args', folder: 'adapters', file: 'plugins/nomad-csi/controller/snapshots.ts', issue14: true,
    find: 'await ctx.client.snapshots.create(source, snapName);', replace: 'await ctx.client.snapshots.create(snapName, source);',
    what: 'every CSI CreateSnapshot fails', tests: t('csi/conformance-snapshots', 'csi/nomad-sequence') },
  { id: 'csi-limit-bytes', folder: 'adapters', file: 'plugins/nomad-csi/controller/create.ts', issue14: true,
    find: 'if (have < required || (limit > 0n && have > limit)) throw', replace: 'if (have < required) throw',
    what: 'CreateVolume answers an existing volume larger than limit_bytes', tests: t('csi/conformance-controller') },
  { id: 'csi-source', folder: 'adapters', file: 'plugins/nomad-csi/controller/create.ts',
    find: "if ((existing.props?.['Aux/csi/source'] ?? '') !== sourceKey(req)) throw", replace: "if (false as boolean) throw",
    what: 'CreateVolume answers an existing volume made from another source', tests: t('csi/conformance-controller') },
  { id: 'csi-params', folder: 'adapters', file: 'plugins/nomad-csi/controller/create.ts',
    find: 'if (stored !== undefined && canonicalParams(', replace: 'if (stored === undefined && canonicalParams(',
    what: 'CreateVolume answers an existing volume made with other parameters', tests: t('csi/conformance-controller') },
  { id: 'csi-required-limit', folder: 'adapters', file: 'plugins/nomad-csi/controller/create.ts',
    find: 'if (limit > 0n && required > limit) throw', replace: 'if (limit > 0n && required > limit * 2n) throw',
    what: 'required_bytes above limit_bytes is accepted', tests: t('csi/conformance-controller') },
  { id: 'cinder-min-version', folder: 'adapters', file: 'plugins/openstack-cinder/http/microversion.ts', issue14: true,
    find: 'if (v.cmp(MIN) < 0 || v.cmp(MAX) > 0) {', replace: 'if (v.cmp(MAX) > 0) {',
    what: 'Cinder microversion 2.9 is served', tests: t('cinder/http') },
  { id: 'cinder-max-version', folder: 'adapters', file: 'plugins/openstack-cinder/http/microversion.ts',
    find: 'if (v.cmp(MIN) < 0 || v.cmp(MAX) > 0) {', replace: 'if (v.cmp(MIN) < 0 || v.cmp(MAX) > 1) {',
    what: 'Cinder microversion 3.72 is served', tests: t('cinder/http') },
  { id: 'cinder-default-version', folder: 'adapters', file: 'plugins/openstack-cinder/http/microversion.ts',
    find: 'if (raw === undefined) return MIN;', replace: 'if (raw === undefined) return MAX;',
    what: 'a request without a microversion gets 3.71 behaviour', tests: t('cinder/http') },
  { id: 'proxmox-uuid-vmid', folder: 'adapters', file: 'plugins/proxmox/volname.ts',
    find: "linstorName: name.slice(0, 11), kind: 'uuid' };", replace: "linstorName: name, kind: 'uuid' };",
    what: 'pm-xxxxxxxx_101 is looked up in LINSTOR with its _vmid suffix', tests: t('proxmox/volname') },
  { id: 'proxmox-name-length', folder: 'adapters', file: 'plugins/proxmox/volname.ts',
    find: 'if (m && name.length <= 48) {', replace: 'if (m) {',
    what: 'a legacy name longer than LINSTOR allows is accepted', tests: t('proxmox/volname') },
  { id: 'opennebula-host-path', folder: 'adapters', file: 'plugins/opennebula/lib/args.ts',
    find: 'return { host: arg.slice(0, i), path: arg.slice(i + 1) };', replace: 'return { host: arg.slice(0, i), path: arg.slice(i) };',
    what: 'TM paths keep the leading colon of host:path', tests: t('opennebula/driver-input') },
  { id: 'opennebula-int-arg', folder: 'adapters', file: 'plugins/opennebula/lib/args.ts',
    find: "if (!/^-?\\d+$/.test(v)) throw", replace: "if (v === 'x') throw",
    what: 'a non-numeric VM id reaches the driver', tests: t('opennebula/driver-input') },
];

/** `node list`, `node info`, `node describe` and `node interface list`, laid out as linstor-client does. */
import { ExitCode, fmtTime, newTable, showList, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import { list, obool, str, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { approxSize } from '../units.js';
import { addShowPropColumns, fromFile, propCells } from './common.js';

type Obj = Record<string, any>;

export const NODE_HEADERS = ['Node', 'NodeType', 'Addresses', 'State'];

const CONN_STATUS: Record<string, [string, string]> = {
  OFFLINE: ['OFFLINE', Color.RED], CONNECTED: ['Connected', Color.YELLOW], ONLINE: ['Online', Color.GREEN],
  VERSION_MISMATCH: ['OFFLINE(VERSION MISMATCH)', Color.RED], FULL_SYNC_FAILED: ['OFFLINE(FULL SYNC FAILED)', Color.RED],
  MISSING_EXT_TOOLS: ['OFFLINE(MISSING EXTERNAL TOOLS)', Color.RED], AUTHENTICATION_ERROR: ['OFFLINE(AUTHENTICATION ERROR)', Color.RED],
  UNKNOWN: ['Unknown', Color.YELLOW], HOSTNAME_MISMATCH: ['OFFLINE(HOSTNAME MISMATCH)', Color.RED],
  OTHER_CONTROLLER: ['OFFLINE(OTHER_CONTROLLER)', Color.RED], NO_STLT_CONN: ['OFFLINE(NO CONNECTION TO SATELLITE)', Color.RED],
};
const connStatus = (n: Obj): [string, string] => CONN_STATUS[n.connection_status ?? 'OFFLINE'] ?? [String(n.connection_status), Color.RED];

/** The active satellite connection: `addr:port (PLAIN)`. */
function activeAddress(n: Obj): string {
  let s = '';
  for (const i of n.net_interfaces ?? []) if (i.is_active && i.satellite_port) s = `${i.address}:${i.satellite_port} (${i.satellite_encryption_type})`;
  return s;
}

export function renderNodes(ctx: Ctx, p: Parsed, nodes: Obj[]): string {
  const t = newTable(ctx, p);
  const auxCol = obool(p, 'show-aux-props');
  t.addColumn('Node').addColumn('NodeType').addColumn('Addresses');
  if (auxCol) t.addColumn('AuxProps');
  t.addColumn('State', { color: Color.DARKGREEN });
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['Node']);
  const offline = (n: Obj): boolean => connStatus(n)[0] === 'OFFLINE';
  const evicted = (n: Obj): boolean => (n.flags ?? []).includes('EVICTED');
  const evictionInfo = nodes.some((n) => n.eviction_timestamp && offline(n) && !evicted(n));
  for (const n of nodes) {
    const flags: string[] = n.flags ?? [];
    const [text, color] = flags.includes('EVICTED') ? ['EVICTED', Color.RED] : flags.includes('DELETE') ? ['DELETE', Color.RED]
      : flags.includes('EVACUATE') ? ['EVACUATE', Color.YELLOW] : connStatus(n);
    let state = text;
    if (evictionInfo && offline(n) && !evicted(n)) state += ` (Auto-eviction: ${n.eviction_timestamp ? fmtTime(Math.floor(n.eviction_timestamp / 1000) * 1000) : 'Disabled'})`;
    const row: CellValue[] = [n.name, n.type, activeAddress(n)];
    if (auxCol) row.push(Object.entries(n.props ?? {}).filter(([k]) => k.startsWith('Aux/')).map(([k, v]) => `${k}=${v}`).join('\n'));
    row.push({ text: state, color }, ...propCells(keys, n.props));
    t.addRow(row);
  }
  let out = t.show();
  if (evictionInfo) {
    out += 'To cancel automatic eviction please consider the corresponding DrbdOptions/AutoEvict* properties on controller and / or node level\n'
      + "See 'linstor controller set-property --help' or 'linstor node set-property --help' for more details\n";
  }
  return out;
}

export async function nodeList(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = fromFile<Obj[]>(p) ?? await ctx.client.nodes.list({ nodes: list(p, 'nodes'), props: list(p, 'props') }) as Obj[];
  return showList(ctx, 'nodes', nodes, (n) => renderNodes(ctx, p, n));
}

const PROVIDER_COLUMNS = ['Diskless', 'LVM', 'LVMThin', 'ZFS/Thin', 'File/Thin', 'SPDK', 'EXOS', 'Remote_SPDK', 'Storage_Spaces', 'Storage_Spaces/Thin'];
const LAYER_COLUMNS = ['DRBD', 'LUKS', 'NVMe', 'Cache', 'BCache', 'WriteCache', 'Storage'];
const mark = (ok: boolean): CellValue => (ok ? { text: '+', color: Color.GREEN } : { text: '-', color: Color.RED });

function reasons(title: string, msgs: Map<string, string | Record<string, string[]>>): string {
  if (!msgs.size) return '';
  let s = `${title}\n`;
  for (const [node, m] of msgs) {
    s += ` ${node}: ${typeof m === 'string' ? m : ''}\n`;
    if (typeof m !== 'string') for (const [what, why] of Object.entries(m)) for (const w of why) s += `  ${what}: ${w}\n`;
  }
  return s;
}

export async function nodeInfo(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = await ctx.client.nodes.list({ nodes: list(p, 'nodes') }) as Obj[];
  return showList(ctx, 'nodes', nodes, () => {
    const provs = newTable(ctx, p).addColumn('Node');
    const layers = newTable(ctx, p).addColumn('Node');
    for (const c of PROVIDER_COLUMNS) provs.addColumn(c);
    for (const c of LAYER_COLUMNS) layers.addColumn(c);
    const unsProv = new Map<string, string | Record<string, string[]>>();
    const unsLayer = new Map<string, string | Record<string, string[]>>();
    for (const n of nodes.filter((x) => ['satellite', 'combined'].includes(String(x.type).toLowerCase()))) {
      if (n.connection_status !== 'ONLINE') { unsProv.set(n.name, 'NODE IS OFFLINE!'); unsLayer.set(n.name, 'NODE IS OFFLINE!'); }
      else {
        if (n.unsupported_providers && Object.keys(n.unsupported_providers).length) unsProv.set(n.name, n.unsupported_providers);
        if (n.unsupported_layers && Object.keys(n.unsupported_layers).length) unsLayer.set(n.name, n.unsupported_layers);
      }
      const sp = (n.storage_providers ?? []).map((x: string) => x.replace(/_/g, ''));
      provs.addRow([n.name, ...PROVIDER_COLUMNS.map((c) => mark(sp.includes(c.replace(/_/g, '').replace(/\//g, '').toUpperCase())))]);
      const rl = (n.resource_layers ?? []).map((x: string) => x.replace(/_/g, ''));
      layers.addRow([n.name, ...LAYER_COLUMNS.map((c) => mark(rl.includes(c.toUpperCase())))]);
    }
    const full = obool(p, 'full');
    return `${provs.show()}${full ? reasons('Unsupported storage providers:', unsProv) : ''}\n${layers.show()}${full ? reasons('Unsupported resource layers:', unsLayer) : ''}`;
  });
}

interface TreeNode { name: string; description: string; color: string; children: TreeNode[] }

function printTree(n: TreeNode, utf8: boolean, color: boolean): string {
  const d = utf8 ? { cc: '   │', ce: '    ', mc: '   ├───', me: '   └───' } : { cc: '   |', ce: '    ', mc: '   |---', me: '   +---' };
  const lines: string[] = [];
  const walk = (t: TreeNode, connector: string, marker: string, prefix: string): void => {
    if (connector) lines.push(connector);
    lines.push(`${marker}${color ? `${t.color}${t.name}${Color.NONE}` : t.name} (${t.description})`);
    t.children.forEach((c, i) => {
      const last = i === t.children.length - 1;
      walk(c, prefix + d.cc, prefix + (last ? d.me : d.mc), prefix + (last ? d.ce : d.cc));
    });
  };
  walk(n, '', '', '');
  return `${lines.join('\n')}\n`;
}

const toData = (t: TreeNode): Obj => ({ name: t.name, description: t.description, children: t.children.map(toData) });

export async function nodeDescribe(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = await ctx.client.nodes.list() as Obj[];
  const pools = await ctx.client.storagePools.list() as Obj[];
  await ctx.client.resourceDefinitions.list();
  const rscs = await ctx.client.resources.view() as Obj[];
  const map = new Map<string, TreeNode>();
  for (const n of nodes) map.set(n.name, { name: n.name, description: 'node', color: Color.RED, children: [] });
  for (const sp of pools) map.get(sp.node_name)?.children.push({ name: sp.storage_pool_name, description: 'storage pool', color: Color.PINK, children: [] });
  for (const r of rscs) {
    const byPool = new Map<string, Obj[]>();
    for (const v of r.volumes ?? []) byPool.set(v.storage_pool_name, [...(byPool.get(v.storage_pool_name) ?? []), v]);
    const node = map.get(r.node_name);
    if (!node) continue;
    for (const [pool, vlms] of byPool) {
      let parent = pool === 'DfltDisklessStorPool' ? node.children.find((c) => c.name === 'diskless resource') : node.children.find((c) => c.name === pool);
      if (!parent && pool === 'DfltDisklessStorPool') {
        parent = { name: 'diskless resource', description: 'resources may reside on other nodes', color: Color.PINK, children: [] };
        node.children.push(parent);
      }
      const rsc: TreeNode = { name: r.name, description: 'resource', color: Color.BLUE, children: [] };
      for (const v of vlms) {
        const minor = (v.layer_data_list ?? []).find((l: Obj) => l.type === 'DRBD' && l.data)?.data?.drbd_volume_definition?.minor_number;
        rsc.children.push({ name: `volume${v.volume_number}`, description: `${minor !== undefined ? `minor number: ${minor}` : ''}, size: ${approxSize(v.allocated_size_kib ?? 0)}`, color: Color.DARKGREEN, children: [] });
      }
      parent?.children.push(rsc);
    }
  }
  const name = p.pos.name as string | undefined;
  const chosen = [...map.keys()].sort().filter((k) => !name || k === name).map((k) => map.get(k)!);
  if (ctx.machine) { ctx.out(`${pyJson(chosen.map(toData))}\n`); return ExitCode.OK; }
  if (name && !chosen.length) { ctx.err(`${name}: no such node\n`); return ExitCode.OBJECT_NOT_FOUND; }
  ctx.out(chosen.map((t) => printTree(t, ctx.style.utf8, ctx.color)).join('\n'));
  return ExitCode.OK;
}

export async function netIfList(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = await ctx.client.nodes.list({ nodes: [str(p, 'node_name')] }) as Obj[];
  const n = nodes.find((x) => x.name === str(p, 'node_name'));
  if (!n && !ctx.machine) { ctx.err(`Node '${str(p, 'node_name')}' not found on controller.\n`); return ExitCode.OBJECT_NOT_FOUND; }
  return showList(ctx, 'nodes', nodes, () => {
    if (!n) return;
    const t = newTable(ctx, p).addColumn(n.name, { color: Color.GREEN }).addColumn('NetInterface').addColumn('IP').addColumn('Port').addColumn('EncryptionType');
    for (const i of n.net_interfaces ?? []) t.addRow([i.is_active ? '+ StltCon' : '+', i.name, i.address, i.satellite_port ?? '', i.satellite_encryption_type ?? '']);
    return t.show();
  });
}

/**
 * `resource list` and `volume list` as linstor-client 1.27 draws them: one /v1/view/resources
 * request; Layers instead of Port (Port with --show-drbd-ports); Usage, Conns, State; volumes
 * with a Repl column from the DRBD replication states.
 */
import { ExitCode, fmtTime, newTable, showList, type Ctx } from '../context.js';
import { formatRc } from '../output.js';
import { list, obool, type Parsed } from '../spec.js';
import { Color, type CellValue } from '../table.js';
import { approxSize } from '../units.js';
import { isError } from '../../model/apicallrc.js';
import type { ApiCallRc } from '../../client/types.js';
import { addShowPropColumns, fromFile, propCells } from './common.js';

type Obj = Record<string, any>;
export const RSC_HEADERS = ['ResourceName', 'Node', 'Layers', 'Usage', 'Conns', 'State', 'CreatedOn'];
export const VLM_HEADERS = ['Node', 'Resource', 'StoragePool', 'VolNr', 'MinorNr', 'DeviceName', 'Allocated', 'InUse', 'State', 'Repl'];

/** linstor-client's volume_state_cell: [text, colour] where colour undefined means "fine". */
export function volumeStateCell(v: Obj, rscFlags: string[]): [string, string | undefined] {
  const prefix = (v.flags ?? []).includes('RESIZE') ? 'Resizing, ' : '';
  const expect = (v.layer_data_list ?? [])[0]?.type === 'DRBD';
  const ds: string | undefined = v.state?.disk_state;
  if (!expect) return [`${prefix}Created`, undefined];
  if (!ds) return [`${prefix}Unknown`, Color.YELLOW];
  if (ds === 'DUnknown') return [`${prefix}Unknown`, Color.YELLOW];
  if (ds === 'Diskless') {
    if (!rscFlags.includes('DISKLESS')) return [prefix + ds, Color.RED];
    if (rscFlags.includes('TIE_BREAKER')) return ['TieBreaker', undefined];
    return [prefix + ds, undefined];
  }
  if (['Inconsistent', 'Failed', 'To: Creating', 'To: Attachable', 'To: Attaching'].includes(ds)) return [prefix + ds, Color.RED];
  if (['UpToDate', 'Created', 'Attached'].includes(ds)) return [prefix + ds, undefined];
  return [prefix + ds, Color.YELLOW];
}

/** Layer chain of a resource: DRBD,STORAGE. */
export function layerChain(r: Obj): string {
  const out: string[] = [];
  let l: Obj | undefined = r.layer_object;
  while (l) { out.push(l.type); l = (l.children ?? [])[0]; }
  return out.join(',');
}

function drbdPort(r: Obj): string {
  const d = r.layer_object?.drbd;
  const p = d?.drbd_resource_definition?.port ?? d?.tcp_ports?.[0];
  return p === undefined ? '' : String(p);
}

/** Usage: InUse (green, yellow when several nodes are primary), Unused, or empty when unknown. */
function usageCell(r: Obj, primaries: Map<string, number>): CellValue {
  const inUse = r.state?.in_use;
  if (inUse === undefined || inUse === null) return '';
  if (!inUse) return 'Unused';
  return { text: 'InUse', color: (primaries.get(r.name) ?? 0) > 1 ? Color.YELLOW : Color.GREEN };
}

function primaryCount(rscs: Obj[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rscs) if (r.state?.in_use) m.set(r.name, (m.get(r.name) ?? 0) + 1);
  return m;
}

interface RscRow { row: CellValue[]; faulty: boolean; name: string }

function resourceRow(r: Obj, p: Parsed, keys: string[], primaries: Map<string, number>): RscRow {
  const flags: string[] = r.flags ?? [];
  let state = 'Unknown';
  let color: string | undefined = Color.YELLOW;
  if (flags.includes('DELETE') || flags.includes('DRBD_DELETE')) { state = 'DELETING'; color = Color.RED; }
  else if (flags.includes('INACTIVE')) state = 'INACTIVE';
  else {
    for (const v of r.volumes ?? []) {
      [state, color] = volumeStateCell(v, flags);
      if (flags.includes('EVACUATE')) state += ', Evacuating';
      if (color !== undefined) break;
    }
  }
  const skip = r.effective_props?.['DrbdOptions/SkipDisk'];
  if (skip?.value === 'True') {
    const short: Record<string, string> = { SATELLITE: 'C', NODE: 'N', RESOURCE_DEFINITION: 'RD', RESOURCE: 'R', STORAGEPOOL: 'SP' };
    state += `, Skip-Disk (${[skip, ...(skip.other ?? [])].map((x: Obj) => short[x.type] ?? x.type).join(', ')})`;
    if (!color || color === Color.GREEN) color = Color.YELLOW;
  }
  let conns: CellValue = '';
  let connsFailed = false;
  if (state !== 'Unknown') {
    const failed = new Map<string, string[]>();
    for (const [peer, c] of Object.entries<Obj>(r.layer_object?.drbd?.connections ?? {})) {
      if (!c.connected) failed.set(c.message, [...(failed.get(c.message) ?? []), peer]);
    }
    connsFailed = failed.size > 0;
    conns = connsFailed ? { text: [...failed].map(([m, n]) => `${m}(${n.join(',')})`).join(','), color: Color.RED } : 'Ok';
  }
  const row: CellValue[] = [r.name, r.node_name];
  if (obool(p, 'show-drbd-ports')) row.push(drbdPort(r));
  row.push(layerChain(r), usageCell(r, primaries), conns, { text: state, color: connsFailed ? Color.RED : color }, fmtTime(r.create_timestamp), ...propCells(keys, r.props));
  return { row, faulty: color !== undefined || connsFailed, name: r.name };
}

export function renderResources(ctx: Ctx, p: Parsed, rscs: Obj[]): string {
  const t = newTable(ctx, p).addColumn('ResourceName').addColumn('Node');
  if (obool(p, 'show-drbd-ports')) t.addColumn('Port');
  t.addColumn('Layers').addColumn('Usage', { color: Color.DARKGREEN }).addColumn('Conns', { color: Color.DARKGREEN })
    .addColumn('State', { color: Color.DARKGREEN, right: true }).addColumn('CreatedOn');
  const keys = addShowPropColumns(t, p);
  t.setGroupBy(list(p, 'groupby').length ? list(p, 'groupby') : ['ResourceName']);
  const primaries = primaryCount(rscs);
  const rows = rscs.map((r) => resourceRow(r, p, keys, primaries));
  const faultyNames = new Set(rows.filter((x) => x.faulty).map((x) => x.name));
  for (const r of rows) {
    if (obool(p, 'faulty') && !(r.faulty || (obool(p, 'all') && faultyNames.has(r.name)))) continue;
    t.addRow(r.row);
  }
  return t.show();
}

export async function resourceList(ctx: Ctx, p: Parsed): Promise<number> {
  const rscs = fromFile<Obj[]>(p) ?? await ctx.client.resources.view({ nodes: list(p, 'nodes'), resources: list(p, 'resources'), props: list(p, 'props') }) as Obj[];
  return showList(ctx, 'resources', rscs, (x) => renderResources(ctx, p, x));
}

/** The Repl column: each peer's DRBD replication state, grouped ("Established(2)"). */
export function replCell(v: Obj): CellValue {
  const states = Object.entries<Obj>(v.state?.replication_states ?? {});
  if (!states.length) return '';
  const groups = new Map<string, string[]>();
  for (const [peer, s] of states) {
    const st = String(s.replication_state ?? 'Unknown');
    const label = s.done_percentage !== undefined && s.done_percentage !== null && /^(Sync|PausedSync)/.test(st) ? `${peer}: ${Number(s.done_percentage).toFixed(2)}%` : peer;
    groups.set(st, [...(groups.get(st) ?? []), label]);
  }
  const text = [...groups].map(([st, peers]) => (st === 'Established' ? `${st}(${peers.length})` : `${st}(${peers.join(', ')})`)).join(', ');
  const color = [...groups.keys()].every((s) => s === 'Established') ? Color.GREEN
    : [...groups.keys()].some((s) => /^(Sync|PausedSync|StartingSync|WFBitMap|WFSyncUUID|Verify)/.test(s)) ? Color.YELLOW : Color.RED;
  return { text, color };
}

export function renderVolumes(ctx: Ctx, p: Parsed, rscs: Obj[]): string {
  const hideRepl = obool(p, 'hide-replication-states');
  const t = newTable(ctx, p).addColumn('Node').addColumn('Resource').addColumn('StoragePool').addColumn('VolNr', { right: true }).addColumn('MinorNr', { right: true })
    .addColumn('DeviceName').addColumn('Allocated', { right: true }).addColumn('InUse', { color: Color.DARKGREEN }).addColumn('State', { color: Color.DARKGREEN, right: true });
  if (!hideRepl) t.addColumn('Repl');
  const keys = addShowPropColumns(t, p);
  const primaries = primaryCount(rscs);
  const reports: ApiCallRc[] = [];
  for (const r of rscs) {
    const flags: string[] = r.flags ?? [];
    if (flags.includes('INACTIVE') && !flags.includes('EVICTED')) continue;
    const usage = usageCell(r, primaries);
    const connFailed = Object.values<Obj>(r.layer_object?.drbd?.connections ?? {}).some((c) => !c.connected);
    for (const v of r.volumes ?? []) {
      let [text, color] = flags.includes('INACTIVE') ? ['INACTIVE', Color.YELLOW] : volumeStateCell(v, flags);
      if (connFailed) color = Color.RED;
      let state: CellValue = color ? { text, color } : text;
      if ((v.reports ?? []).some((x: ApiCallRc) => isError(x.ret_code))) state = { text: 'Error', color: Color.RED };
      reports.push(...(v.reports ?? []));
      const minor = (v.layer_data_list ?? []).find((l: Obj) => l.type === 'DRBD' && l.data)?.data?.drbd_volume_definition?.minor_number;
      const row: CellValue[] = [r.node_name, r.name, v.storage_pool_name ?? '', String(v.volume_number), minor === undefined ? '' : String(minor), v.device_path ?? '',
        v.allocated_size_kib ? approxSize(v.allocated_size_kib) : '', usage, state];
      if (!hideRepl) row.push(replCell(v));
      t.addRow([...row, ...propCells(keys, v.props)]);
    }
  }
  return t.show() + reports.map((x) => formatRc(x, ctx.color)).join('');
}

export async function volumeList(ctx: Ctx, p: Parsed): Promise<number> {
  const rscs = fromFile<Obj[]>(p) ?? await ctx.client.resources.view({ nodes: list(p, 'nodes'), storage_pools: list(p, 'storage-pools'), resources: list(p, 'resources') }) as Obj[];
  return showList(ctx, 'resources', rscs, (x) => renderVolumes(ctx, p, x));
}

/** `resource involved NODE`: resource bundles that have a replica on NODE, filtered as asked. */
export async function involved(ctx: Ctx, p: Parsed): Promise<number> {
  const rscs = await ctx.client.resources.view() as Obj[];
  if (ctx.machine) return showList(ctx, 'resources', rscs, () => undefined);
  const node = p.pos.node as string;
  const byName = new Map<string, { nodes: string[]; inuse: boolean; dlInuse: boolean; replicas: number }>();
  for (const r of rscs) {
    const inUse = r.state?.in_use === true;
    const diskless = (r.flags ?? []).includes('DISKLESS');
    const e = byName.get(r.name) ?? { nodes: [], inuse: false, dlInuse: false, replicas: 0 };
    e.nodes.push(r.node_name); e.inuse ||= inUse; e.dlInuse ||= inUse && diskless; e.replicas += diskless ? 0 : 1;
    byName.set(r.name, e);
  }
  const minDiskful = p.opt['min-diskful'] === undefined ? undefined : Number(p.opt['min-diskful']);
  const kept = rscs.filter((r) => {
    const e = byName.get(r.name)!;
    if (!e.nodes.includes(node)) return false;
    if (obool(p, 'inuse') && !e.inuse) return false;
    if (obool(p, 'diskless-inuse') && !e.dlInuse) return false;
    if (minDiskful !== undefined && minDiskful <= e.replicas) return false;
    return true;
  });
  ctx.out(renderResources(ctx, { pos: p.pos, opt: { ...p.opt, groupby: undefined, faulty: false } }, kept));
  return ExitCode.OK;
}

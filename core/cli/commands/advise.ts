/** `linstor advise resource|maintenance`: linstor-client's checks over the whole cluster state. */
import { ExitCode, newTable, type Ctx } from '../context.js';
import { pyCompact } from '../output.js';
import { list, type CmdSpec, type Parsed } from '../spec.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
interface Issue { type: string; resource: string; what: string; fix: string }

const ISSUE_TYPES = ['single-replica', 'pot-split-brain', 'diskless-in-use', 'too-few-replicas', 'too-many-replicas', 'no-tiebreaker'];
const autoplace = (rsc: string, count: number): string => `linstor rd ap --place-count ${count} ${rsc}`;
const tiebreaker = (rsc: string): string => `linstor rd ap --drbd-diskless --place-count 1 ${rsc}`;

interface World { pools: Obj[]; groups: Map<string, Obj>; rds: Obj[]; rscs: Obj[] }

/** The five lists linstor-client fetches, in its order. */
async function world(ctx: Ctx): Promise<World> {
  await ctx.client.nodes.list();
  const groups = await ctx.client.resourceGroups.list() as Obj[];
  const rds = await ctx.client.resourceDefinitions.list({ with_volume_definitions: true }) as Obj[];
  const rscs = await ctx.client.resources.view() as Obj[];
  const pools = await ctx.client.storagePools.list() as Obj[];
  return { pools, groups: new Map(groups.map((g) => [g.name, g])), rds, rscs };
}

function needlessDiskless(rd: Obj, deployed: Obj[], rg: Obj | undefined, pools: Obj[]): Issue[] {
  for (const r of deployed) {
    if (!(r.flags ?? []).includes('DISKLESS') || !r.state?.in_use) continue;
    const available = pools.filter((sp) => sp.node_name === r.node_name && sp.provider_kind !== 'DISKLESS').map((sp) => sp.storage_pool_name);
    const allowed: string[] = rg?.select_filter?.storage_pool_list?.length ? rg.select_filter.storage_pool_list : available;
    if (allowed.some((x) => available.includes(x))) {
      return [{ type: 'diskless-in-use', resource: rd.name, what: 'Resource is diskless and in-use, but a matching storage pool exists.', fix: `linstor r td --dflt ${r.node_name} ${rd.name}` }];
    }
  }
  return [];
}

function expectedReplicas(rd: Obj, deployed: Obj[], rg: Obj | undefined, pools: Obj[]): Issue[] {
  const expected = Number(rg?.select_filter?.place_count) || 2;
  const diskful = deployed.filter((r) => !(r.flags ?? []).length).length;
  if (deployed.length < expected) return [{ type: 'too-few-replicas', resource: rd.name, what: `Resource expected to have ${expected} replicas, got only ${deployed.length}.`, fix: autoplace(rd.name, expected) }];
  if (diskful > expected) {
    const removable = deployed.filter((r) => !r.state?.in_use && (r.volumes ?? []).every((v: Obj) => v.state?.disk_state === 'UpToDate')).map((r) => r.node_name);
    return [{ type: 'too-many-replicas', resource: rd.name, what: `Resource should only have ${expected} replicas, but has ${diskful}.`, fix: `linstor r d ${removable.slice(0, diskful - expected).join(' ')} ${rd.name}` }];
  }
  if (expected === 2 && deployed.length === 2 && new Set(pools.map((sp) => sp.node_name)).size > 2) {
    return [{ type: 'no-tiebreaker', resource: rd.name, what: 'Resource has 2 replicas but no tie-breaker, could lead to split brain.', fix: tiebreaker(rd.name) }];
  }
  return [];
}

function show(ctx: Ctx, p: Parsed, issues: Issue[]): number {
  const filter = list(p, 'filter');
  const shown = filter.length ? issues.filter((i) => filter.includes(i.type)) : issues;
  if (ctx.machine) { ctx.out(pyCompact(shown.map((i) => ({ resource: i.resource, what: i.what, fix: i.fix })))); return ExitCode.OK; }
  const t = newTable(ctx, p).addColumn('Resource').addColumn('Issue').addColumn('Possible fix');
  for (const i of shown) t.addRow([i.resource, i.what, i.fix]);
  ctx.out(t.show());
  return ExitCode.OK;
}

const commonOpts = [
  pastableOpt,
  { name: 'filter', short: 'f', kind: 'list' as const, choices: ISSUE_TYPES, default: [], help: 'Only show given issues types' },
  { name: 'resources', short: 'r', kind: 'list' as const, complete: 'resource' as const, help: 'Filter by list of resources' },
];

export const adviseCommand: CmdSpec = {
  name: 'advise', aliases: ['adv'], help: 'Advise subcommands', title: 'Advise commands',
  sub: [
    {
      ...SUB.resource, help: 'Points out potential issues with the currently deployed resources.', opts: commonOpts,
      run: async (ctx, p) => {
        const w = await world(ctx);
        const names = list(p, 'resources').length ? list(p, 'resources') : w.rds.map((r) => r.name);
        const issues: Issue[] = [];
        for (const name of names) {
          const rd = w.rds.find((r) => r.name === name);
          if (!rd) continue;
          const rg = w.groups.get(rd.resource_group_name || 'DfltRscGrp');
          const deployed = w.rscs.filter((r) => r.name === name);
          issues.push(...needlessDiskless(rd, deployed, rg, w.pools), ...expectedReplicas(rd, deployed, rg, w.pools));
        }
        return show(ctx, p, issues);
      },
    },
    {
      name: 'maintenance', aliases: ['m'], help: 'Points out potential issues should a node go down for maintenance.',
      args: [{ name: 'node', help: 'The node to check', complete: 'node' }], opts: commonOpts,
      run: async (ctx, p) => {
        const w = await world(ctx);
        const node = String(p.pos.node);
        const names = list(p, 'resources').length ? list(p, 'resources') : w.rds.map((r) => r.name);
        const issues: Issue[] = [];
        for (const name of names) {
          const here = w.rscs.filter((r) => r.name === name);
          if (!here.some((r) => r.node_name === node)) continue;
          const diskful = here.filter((r) => !(r.flags ?? []).includes('DISKLESS')).map((r) => r.node_name);
          if (diskful.length === 1 && diskful[0] === node) {
            issues.push({ type: 'single-replica', resource: name, what: 'Node hosts only replica of resource, would become unavailable.', fix: autoplace(name, 2) });
            continue;
          }
          if (here.length < 3) issues.push({ type: 'pot-split-brain', resource: name, what: 'Node hosts one of 2 replicas with no tiebreaker, may lead to split-brain.', fix: tiebreaker(name) });
        }
        return show(ctx, p, issues);
      },
    },
  ],
};

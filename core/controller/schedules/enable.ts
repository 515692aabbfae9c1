/**
 * Which backup schedules apply to which resource definition. A schedule is enabled (or
 * disabled) for a remote on the controller, a resource group or a resource definition, as the
 * property `Schedule/Enabled/<remote>/<schedule>` = true|false; the most specific level that
 * sets it wins (definition > group > controller), so a definition can opt out of a schedule
 * its group enables. `Schedule/PrefNode/<remote>/<schedule>` names the node to ship from.
 */
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { Props } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import type { ClusterState } from '../state/cluster-state.js';
import { getRemote } from '../remotes/service.js';

export const ENABLED_NS = 'Schedule/Enabled/';
export const PREF_NODE_NS = 'Schedule/PrefNode/';
const SCHEDULE = { obj: 'SCHEDULE' as const };

export interface Triple { rsc: string; remote: string; schedule: string; prefNode?: string; level: 'ctrl' | 'rsc_grp' | 'rsc_dfn' }

const ctrlProps = (state: ClusterState): Props => state.controllerProps.get('props') ?? {};

function pairs(props: Props): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const [k, v] of Object.entries(props)) {
    if (!k.startsWith(ENABLED_NS)) continue;
    const [remote, schedule] = k.slice(ENABLED_NS.length).split('/');
    if (remote && schedule) out.push([remote, schedule, v]);
  }
  return out;
}

/** Per resource definition, the (remote, schedule) pairs that are enabled, with the deciding level. */
export function effectiveTriples(state: ClusterState): Triple[] {
  const ctrl = ctrlProps(state);
  const out: Triple[] = [];
  for (const rd of state.resourceDefinitions.values()) {
    const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
    const levels: Array<[Triple['level'], Props]> = [['rsc_dfn', rd.props], ['rsc_grp', rg?.props ?? {}], ['ctrl', ctrl]];
    const decided = new Map<string, Triple | null>();
    for (const [level, props] of levels) {
      for (const [remote, schedule, v] of pairs(props)) {
        const key = `${nameKey(remote)}/${nameKey(schedule)}`;
        if (decided.has(key)) continue;
        const pref = props[`${PREF_NODE_NS}${remote}/${schedule}`];
        decided.set(key, v === 'true' ? { rsc: rd.name, remote, schedule, level, ...(pref ? { prefNode: pref } : {}) } : null);
      }
    }
    for (const t of decided.values()) if (t) out.push(t);
  }
  return out;
}

/** `remote_name/schedule_name` settings of one definition at each level (schedule list-by-resource-details). */
export function details(state: ClusterState, rdName: string): api.ScheduleDetails[] {
  const rd = state.resourceDefinitions.get(nameKey(rdName));
  if (!rd) throw Errors.notFound('FAIL_NOT_FOUND_RSC_DFN', 'Resource definition', rdName, SCHEDULE);
  const rg = state.resourceGroups.get(nameKey(rd.resourceGroup));
  const out = new Map<string, api.ScheduleDetails>();
  const add = (props: Props, level: 'ctrl' | 'rsc_grp' | 'rsc_dfn') => {
    for (const [remote, schedule, v] of pairs(props)) {
      const k = `${nameKey(remote)}/${nameKey(schedule)}`;
      const d = out.get(k) ?? { remote_name: remote, schedule_name: schedule };
      d[level] = v === 'true';
      out.set(k, d);
    }
  };
  add(ctrlProps(state), 'ctrl'); add(rg?.props ?? {}, 'rsc_grp'); add(rd.props, 'rsc_dfn');
  return [...out.values()];
}

/** Where a remote or schedule is set (for refusing deletes), or undefined. */
export function enabledAnywhere(state: ClusterState, remote?: string, schedule?: string): string | undefined {
  const hit = (props: Props) => pairs(props).some(([r, s]) => (!remote || nameKey(r) === nameKey(remote)) && (!schedule || nameKey(s) === nameKey(schedule)));
  if (hit(ctrlProps(state))) return 'the controller';
  for (const g of state.resourceGroups.values()) if (hit(g.props)) return `resource group '${g.name}'`;
  for (const d of state.resourceDefinitions.values()) if (hit(d.props)) return `resource definition '${d.name}'`;
  return undefined;
}

/** enable / disable (set true/false) or delete (remove) the setting at the level the body names. */
export async function setSchedule(ctx: ControllerContext, remoteName: string, scheduleName: string, action: 'enable' | 'disable' | 'delete', b: api.BackupSchedule): Promise<ApiCallRc[]> {
  const { state } = ctx;
  const remote = getRemote(ctx, remoteName);
  const sched = state.schedules.get(nameKey(scheduleName));
  if (!sched) throw Errors.notFound('FAIL_NOT_FOUND_SCHEDULE', 'Schedule', scheduleName, SCHEDULE);
  if (b.rsc_name && b.grp_name) throw new ApiError('FAIL_INVLD_PROP', 'Give a resource definition or a resource group, not both.', { ...SCHEDULE, correction: 'Use --rd or --rg.' });
  if (b.node_name && !state.nodes.get(nameKey(b.node_name))) throw Errors.notFound('FAIL_NOT_FOUND_NODE', 'Node', b.node_name, SCHEDULE);
  const key = `${ENABLED_NS}${remote.name}/${sched.name}`;
  const prefKey = `${PREF_NODE_NS}${remote.name}/${sched.name}`;
  const change = (props: Props): Props => {
    // One spelling per pair: drop case variants of the same remote/schedule first.
    const next = Object.fromEntries(Object.entries(props).filter(([k]) => nameKey(k) !== nameKey(key) && nameKey(k) !== nameKey(prefKey)));
    if (action !== 'delete') next[key] = action === 'enable' ? 'true' : 'false';
    if (action === 'enable' && b.node_name) next[prefKey] = state.nodes.get(nameKey(b.node_name))!.name;
    return next;
  };
  const where = await state.mutate((tx) => {
    if (b.rsc_name) {
      const rd = state.resourceDefinitions.get(nameKey(b.rsc_name));
      if (!rd) throw Errors.notFound('FAIL_NOT_FOUND_RSC_DFN', 'Resource definition', b.rsc_name, SCHEDULE);
      tx.put(state.resourceDefinitions, nameKey(rd.name), { ...rd, props: change(rd.props) });
      return `resource definition '${rd.name}'`;
    }
    if (b.grp_name) {
      const rg = state.resourceGroups.get(nameKey(b.grp_name));
      if (!rg) throw Errors.notFound('FAIL_NOT_FOUND_RSC_GRP', 'Resource group', b.grp_name, SCHEDULE);
      tx.put(state.resourceGroups, nameKey(rg.name), { ...rg, props: change(rg.props) });
      return `resource group '${rg.name}'`;
    }
    tx.put(state.controllerProps, 'props', change(ctrlProps(state)));
    return 'the controller';
  });
  const verb = action === 'enable' ? 'enabled' : action === 'disable' ? 'disabled' : 'removed';
  return [rcEntry('MODIFIED', `Backup schedule '${sched.name}' to remote '${remote.name}' ${verb} on ${where}.`, { ...SCHEDULE, op: 'MOD', objRefs: { Schedule: sched.name, Remote: remote.name } })];
}

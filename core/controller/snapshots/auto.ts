/**
 * Automatic snapshots (guide §3.11.1): `AutoSnapshot/RunEvery` (minutes) on a resource
 * definition, its group or the controller makes the controller snapshot it at that interval,
 * named `<AutoSnapshot/Prefix, default autoSnap><5-digit counter>` like LINSTOR, the counter
 * kept in the definition's `AutoSnapshot/NextAutoId`. Only snapshots it created (flag
 * AUTO_SNAPSHOT) beyond `AutoSnapshot/Keep` (default 10) are deleted: manual ones never.
 */
import { isError } from '../../model/apicallrc.js';
import { DFLT_AUTO_SNAPSHOT_KEEP } from '../../model/apiconsts.js';
import { nameKey } from '../../model/names.js';
import type { ResourceDefinition } from '../../model/types.js';
import { propValue } from '../../props/resolver.js';
import type { ControllerContext } from '../context.js';
import { snapshotsOf } from './common.js';
import { createSnapshots } from './create.js';
import { deleteSnapshot } from './delete-rollback.js';
import { definitionLevels, PerDefinitionInterval } from './interval.js';

export const DEFAULT_AUTO_SNAPSHOT_PREFIX = 'autoSnap';

export function autoSnapshotName(prefix: string, id: number): string {
  return `${prefix}${String(id).padStart(5, '0')}`;
}

export class AutoSnapshotScheduler extends PerDefinitionInterval {
  protected readonly what = 'automatic snapshot';

  constructor(ctx: ControllerContext, opts: { unitMs?: number } = {}) {
    super(ctx, 'AutoSnapshot/RunEvery', opts);
  }

  protected async runFor(rd: ResourceDefinition): Promise<void> {
    if (![...this.ctx.state.resources.withPrefix(`${nameKey(rd.name)}/`)].length) return;
    const lv = definitionLevels(this.ctx, rd);
    const prefix = propValue('AutoSnapshot/Prefix', lv) ?? DEFAULT_AUTO_SNAPSHOT_PREFIX;
    let id = Number(rd.props['AutoSnapshot/NextAutoId'] ?? 0) + 1;
    while (snapshotsOf(this.ctx.state, rd.name).some((s) => nameKey(s.name) === nameKey(autoSnapshotName(prefix, id)))) id++;
    const rc = await createSnapshots(this.ctx, [{
      resourceName: rd.name, name: autoSnapshotName(prefix, id), flags: ['AUTO_SNAPSHOT'], rdProps: { 'AutoSnapshot/NextAutoId': String(id) },
    }]);
    if (rc.some((e) => isError(e.ret_code))) this.ctx.log.warn({ resource: rd.name, rc: rc.map((e) => e.message) }, 'automatic snapshot failed');
    const keep = Number(propValue('AutoSnapshot/Keep', lv) ?? DFLT_AUTO_SNAPSHOT_KEEP);
    if (!(keep > 0)) return;
    const autos = snapshotsOf(this.ctx.state, rd.name).filter((s) => s.flags.includes('AUTO_SNAPSHOT'));
    for (const old of autos.slice(0, Math.max(0, autos.length - keep))) await deleteSnapshot(this.ctx, rd.name, old.name);
  }
}

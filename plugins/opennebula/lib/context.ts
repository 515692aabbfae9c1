/** Shared set-up of actions: the datastore's config, the LINSTOR facade and SSH hosts. */
import { datastoreConfig, type DatastoreConfig } from './datastore-config.js';
import { readDriverAction, type DriverAction } from './drv-action.js';
import { Hosts } from './hosts.js';
import { OneLinstor } from './linstor.js';
import { DriverError, logInfo } from './log.js';
import { showDatastore } from './one-cli.js';
import { text } from './xml.js';

export interface DsContext { drv: DriverAction; cfg: DatastoreConfig; linstor: OneLinstor; hosts: Hosts }

export async function dsContext(argv: string[]): Promise<DsContext> {
  const drv = await readDriverAction(argv);
  const cfg = datastoreConfig(drv.datastore);
  const linstor = new OneLinstor(cfg);
  return { drv, cfg, linstor, hosts: new Hosts(linstor.client) };
}

export async function tmContext(dsId: string): Promise<{ cfg: DatastoreConfig; linstor: OneLinstor; hosts: Hosts }> {
  const cfg = datastoreConfig(await showDatastore(dsId));
  const linstor = new OneLinstor(cfg);
  return { cfg, linstor, hosts: new Hosts(linstor.client) };
}

/** An IMAGE field that must be set; the error names the XPath so the operator can check the image. */
export function imageField(drv: DriverAction, field: string): string {
  const v = text(drv.image, field).trim();
  if (!v) throw new DriverError(`DRV_ACTION has no IMAGE/${field}`, `oned sets IMAGE/${field} for this action; check the image (oneimage show ${drv.id})`);
  return v;
}

export function imageSizeMiB(drv: DriverAction): number {
  const s = imageField(drv, 'SIZE');
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0) throw new DriverError(`IMAGE/SIZE '${s}' is not a positive number of MB`, 'give the image a SIZE in MB');
  return n;
}

/** The storage node that copies data for `name`: a diskful replica, preferably one named in BRIDGE_LIST. */
export async function storageNode(ctx: { cfg: DatastoreConfig; linstor: OneLinstor }, name: string): Promise<string> {
  const diskful = await ctx.linstor.diskfulNodes(name);
  const bridged = diskful.filter((n) => ctx.cfg.bridgeList.includes(n));
  const node = bridged[0] ?? diskful[0];
  if (!node) throw new DriverError(`${name} has no replica with data`, `check 'linstor resource list -r ${name}'`);
  if (!bridged.length && ctx.cfg.bridgeList.length) logInfo(`no BRIDGE_LIST host holds ${name}; copying on ${node}`);
  return node;
}

/**
 * The nodes whose device must receive written data: one storage node when DRBD replicates,
 * every replica when the layer stack has no replication (each replica is its own volume).
 */
export async function dataNodes(ctx: { cfg: DatastoreConfig; linstor: OneLinstor }, name: string): Promise<string[]> {
  if (await ctx.linstor.supportsDiskless(name)) return [await storageNode(ctx, name)];
  const nodes = await ctx.linstor.diskfulNodes(name);
  if (nodes.length > 1) logInfo(`${name} has no replication layer: writing the data to each of its ${nodes.length} replicas`);
  return nodes;
}

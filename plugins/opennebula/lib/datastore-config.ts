/**
 * Maps a LINSTOR datastore's TEMPLATE to what the driver does. Current attributes are
 * LINSTOR_RESOURCE_GROUP, LINSTOR_CONTROLLERS and BRIDGE_LIST; the pre-2.0 ones
 * (LINSTOR_AUTO_PLACE, LINSTOR_DEPLOYMENT_NODES, LINSTOR_STORAGE_POOL, LINSTOR_CLONE_MODE)
 * still work but print a warning that says what to use instead.
 *
 * TLS and login towards the controller: LINSTOR_CAFILE, LINSTOR_CERTFILE, LINSTOR_KEYFILE,
 * LINSTOR_USER, LINSTOR_PASSWORD, LINSTOR_ALLOW_INSECURE_AUTH (linstor-client's options as
 * datastore attributes; addon-linstor has none), else the front-end's linstor-client.conf.
 */
import { clientTlsFromFiles, parseControllerList, type ClientAuth, type ClientTls } from '../../../core/client/index.js';
import { loadClientConfig } from '../../../core/cli/config.js';
import { DriverError, logWarn } from './log.js';
import { templateMap, text, type XmlNode } from './xml.js';

export type ClonePreference = 'snapshot' | 'copy';

export interface DatastoreConfig {
  id: string;
  name: string;
  /** 0 image, 1 system. */
  type: number;
  controllers: string[];
  resourceGroup?: string;
  bridgeList: string[];
  /** Deprecated placement: a replica count, or an explicit node list. */
  autoPlace?: number;
  deploymentNodes?: string[];
  storagePool?: string;
  cloneMode: ClonePreference;
  template: Record<string, string>;
  /** How the driver reaches the controller (TLS material, login). */
  access: { tls?: ClientTls; auth?: ClientAuth; allowInsecureAuth: boolean };
}

/** Datastore attribute, else the linstor-client.conf [global] key of the same option. */
function clientAccess(t: Record<string, string>, id: string): DatastoreConfig['access'] {
  const conf = loadClientConfig(process.env).global ?? {};
  const pick = (attr: string, key: string): string | undefined => t[attr]?.trim() || conf[key] || undefined;
  let tls: ClientTls | undefined;
  try {
    tls = clientTlsFromFiles({ cafile: pick('LINSTOR_CAFILE', 'cafile'), certfile: pick('LINSTOR_CERTFILE', 'certfile'), keyfile: pick('LINSTOR_KEYFILE', 'keyfile') });
  } catch (e) {
    throw new DriverError(`datastore ${id}: ${(e as Error).message}`, 'point LINSTOR_CAFILE/LINSTOR_CERTFILE/LINSTOR_KEYFILE at readable PEM files');
  }
  const user = pick('LINSTOR_USER', 'user');
  const insecure = (t.LINSTOR_ALLOW_INSECURE_AUTH ?? '').trim().toLowerCase();
  return {
    ...(tls ? { tls } : {}),
    ...(user ? { auth: { user, password: pick('LINSTOR_PASSWORD', 'password') ?? '' } } : {}),
    allowInsecureAuth: ['yes', 'true', '1'].includes(insecure) || (insecure === '' && 'allow-insecure-auth' in conf),
  };
}

const LEGACY_DEFAULT_POOL = 'DfltStorPool';

export function datastoreConfig(ds: XmlNode, opts: { warn?: boolean } = {}): DatastoreConfig {
  const t = templateMap(ds);
  const warn = opts.warn === false ? () => {} : logWarn;
  const id = text(ds, 'ID');
  const typeText = text(ds, 'TYPE') || t.TYPE || '0';
  const type = /^\d+$/.test(typeText) ? Number(typeText) : typeText === 'SYSTEM_DS' ? 1 : 0;
  const ctrlText = (t.LINSTOR_CONTROLLERS ?? '').trim() || process.env.LINSTOR_CONTROLLERS || 'linstor://localhost';
  let controllers: string[];
  try {
    controllers = parseControllerList(ctrlText);
  } catch (e) {
    throw new DriverError(`datastore ${id}: LINSTOR_CONTROLLERS '${ctrlText}' is invalid: ${(e as Error).message}`,
      'set LINSTOR_CONTROLLERS to a comma list such as "ctrl1:3370,ctrl2:3370" (onedatastore update)');
  }
  const bridgeList = (t.BRIDGE_LIST ?? '').split(/[\s,]+/).filter(Boolean);
  const cfg: DatastoreConfig = {
    id, name: text(ds, 'NAME'), type, controllers, bridgeList, template: t,
    resourceGroup: t.LINSTOR_RESOURCE_GROUP?.trim() || undefined,
    cloneMode: 'snapshot',
    access: clientAccess(t, id),
  };
  if (t.LINSTOR_AUTO_PLACE !== undefined && t.LINSTOR_AUTO_PLACE.trim() !== '') {
    const n = Number(t.LINSTOR_AUTO_PLACE);
    if (!Number.isInteger(n) || n < 1) {
      throw new DriverError(`datastore ${id}: LINSTOR_AUTO_PLACE '${t.LINSTOR_AUTO_PLACE}' is not a replica count`,
        'set LINSTOR_AUTO_PLACE to a number ≥ 1, or better replace it with LINSTOR_RESOURCE_GROUP');
    }
    cfg.autoPlace = n;
    warn(`datastore ${id}: LINSTOR_AUTO_PLACE is deprecated; create a resource group with --place-count ${n} and set LINSTOR_RESOURCE_GROUP`);
  }
  if (t.LINSTOR_DEPLOYMENT_NODES?.trim()) {
    cfg.deploymentNodes = t.LINSTOR_DEPLOYMENT_NODES.split(/[\s,]+/).filter(Boolean);
    warn(`datastore ${id}: LINSTOR_DEPLOYMENT_NODES is deprecated; use a resource group (LINSTOR_RESOURCE_GROUP) whose filter selects these nodes`);
  }
  if (t.LINSTOR_STORAGE_POOL?.trim()) {
    cfg.storagePool = t.LINSTOR_STORAGE_POOL.trim();
    warn(`datastore ${id}: LINSTOR_STORAGE_POOL is deprecated; set the storage pool in the resource group (linstor rg c --storage-pool ${cfg.storagePool})`);
  } else if (cfg.autoPlace !== undefined || cfg.deploymentNodes) {
    cfg.storagePool = LEGACY_DEFAULT_POOL;
  }
  if (t.LINSTOR_CLONE_MODE?.trim()) {
    const m = t.LINSTOR_CLONE_MODE.trim().toLowerCase();
    if (m !== 'snapshot' && m !== 'copy') {
      throw new DriverError(`datastore ${id}: LINSTOR_CLONE_MODE '${t.LINSTOR_CLONE_MODE}' is neither 'snapshot' nor 'copy'`, 'remove LINSTOR_CLONE_MODE (clones use LINSTOR\'s clone API)');
    }
    cfg.cloneMode = m;
    warn(`datastore ${id}: LINSTOR_CLONE_MODE is deprecated; clones now use LINSTOR's clone API`);
  }
  if (!cfg.resourceGroup && cfg.autoPlace === undefined && !cfg.deploymentNodes) {
    throw new DriverError(`datastore ${id}${cfg.name ? ` (${cfg.name})` : ''}: LINSTOR_RESOURCE_GROUP is not set`,
      'create a resource group (linstor rg c OneRscGrp --storage-pool POOL --place-count 2; linstor vg c OneRscGrp) and run onedatastore update to set LINSTOR_RESOURCE_GROUP="OneRscGrp"');
  }
  return cfg;
}

/** Image datastores need BRIDGE_LIST: the storage nodes that copy data. */
export function requireBridgeList(cfg: DatastoreConfig): string[] {
  if (!cfg.bridgeList.length) {
    throw new DriverError(`datastore ${cfg.id}: BRIDGE_LIST is empty`, 'set BRIDGE_LIST to the LINSTOR storage node names that may copy image data, e.g. BRIDGE_LIST="alice bob charlie"');
  }
  return cfg.bridgeList;
}

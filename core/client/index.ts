/**
 * Typed client for the LINSTOR REST API v1, shared by the CLI and every adapter:
 *   const c = new LinstorClient({ controllers: resolveControllers() });
 *   await c.resourceGroups.spawn('rg', { resource_definition_name: 'vm-1', volume_sizes: [1048576] });
 */
import { ControllerApi } from './controller.js';
import { ErrorReportsApi } from './error-reports.js';
import { Transport, type TransportOptions } from './http.js';
import { KeyValueStoreApi } from './key-value-store.js';
import { NodesApi } from './nodes.js';
import { ResourceDefinitionsApi } from './resource-definitions.js';
import { ResourceGroupsApi } from './resource-groups.js';
import { ResourcesApi } from './resources.js';
import { SnapshotsApi } from './snapshots.js';
import { StoragePoolsApi } from './storage-pools.js';
import { resolveControllers } from './controllers.js';

export * from './types.js';
export * from './errors.js';
export * from './domain.js';
/** LINSTOR's return codes (linstor-common's apiconsts), for `LinstorApiError.hasCode(RC.FAIL_...)`. */
export { RC, type RcName } from '../model/apiconsts.js';
/** Input guards the adapters share with the controller (user-given regexes, JSON nesting depth). */
export { compileUserRegex, globMatcher, type UserRegex } from '../model/user-regex.js';
export { MAX_JSON_DEPTH, nestsDeeperThan } from '../model/json.js';
export { controllerUrl, parseControllerList, resolveControllers, controllersFromConfig } from './controllers.js';
export { Transport, curlCommand, queryString, INSECURE_AUTH_MESSAGE } from './http.js';
export { clientTlsFromFiles, type ClientTls, type ClientAuth, type ClientTlsFiles } from './tls.js';

export interface LinstorClientOptions extends Partial<TransportOptions> {}

export class LinstorClient {
  readonly transport: Transport;
  readonly nodes: NodesApi;
  readonly storagePools: StoragePoolsApi;
  readonly resourceGroups: ResourceGroupsApi;
  readonly resourceDefinitions: ResourceDefinitionsApi;
  readonly resources: ResourcesApi;
  readonly snapshots: SnapshotsApi;
  readonly keyValueStore: KeyValueStoreApi;
  readonly controller: ControllerApi;
  readonly errorReports: ErrorReportsApi;

  constructor(opts: LinstorClientOptions = {}) {
    this.transport = new Transport({ ...opts, controllers: opts.controllers ?? resolveControllers() });
    this.nodes = new NodesApi(this.transport);
    this.storagePools = new StoragePoolsApi(this.transport);
    this.resourceGroups = new ResourceGroupsApi(this.transport);
    this.resourceDefinitions = new ResourceDefinitionsApi(this.transport);
    this.resources = new ResourcesApi(this.transport);
    this.snapshots = new SnapshotsApi(this.transport);
    this.keyValueStore = new KeyValueStoreApi(this.transport);
    this.controller = new ControllerApi(this.transport);
    this.errorReports = new ErrorReportsApi(this.transport);
  }
}

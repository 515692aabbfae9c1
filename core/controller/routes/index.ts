import type { Router } from 'express';
import type { ControllerContext } from '../context.js';
import { registerConnectionRoutes } from './connections.js';
import { registerControllerConfigRoutes } from './controller-config.js';
import { registerSatelliteConfigRoutes } from './satellite-config.js';
import { registerControllerRoutes } from './controller-props.js';
import { registerEncryptionRoutes } from './encryption.js';
import { registerExtFileRoutes } from '../ext-files/routes.js';
import { registerErrorReportRoutes } from './error-reports.js';
import { registerKeyValueStoreRoutes } from './key-value-store.js';
import { registerNodeRoutes } from './nodes.js';
import { registerPhysicalStorageRoutes } from './physical-storage.js';
import { registerRemoteRoutes } from '../remotes/routes.js';
import { registerBackupRoutes } from '../backups/routes.js';
import { registerScheduleRoutes } from '../schedules/routes.js';
import { enabledAnywhere } from '../schedules/enable.js';
import { registerPlacementRoutes } from './placement.js';
import { registerResourceDefinitionRoutes } from './resource-definitions.js';
import { registerResourceGroupRoutes } from './resource-groups.js';
import { registerResourceRoutes } from './resources.js';
import { registerSnapshotRoutes } from './snapshots.js';
import { registerStoragePoolRoutes } from './storage-pools.js';
import { registerViewRoutes } from './view.js';
import { registerVolumeDefinitionRoutes } from './volume-definitions.js';

/** Every route family, one file each. Order matters only where paths overlap (fixed before params). */
export function registerRoutes(r: Router, ctx: ControllerContext): void {
  registerControllerRoutes(r, ctx);
  registerControllerConfigRoutes(r, ctx);
  registerSatelliteConfigRoutes(r, ctx);
  registerStoragePoolRoutes(r, ctx);
  registerNodeRoutes(r, ctx);
  registerPlacementRoutes(r, ctx);
  registerResourceGroupRoutes(r, ctx);
  registerVolumeDefinitionRoutes(r, ctx);
  registerResourceRoutes(r, ctx);
  registerConnectionRoutes(r, ctx);
  registerSnapshotRoutes(r, ctx);
  registerResourceDefinitionRoutes(r, ctx);
  registerViewRoutes(r, ctx);
  registerKeyValueStoreRoutes(r, ctx);
  registerErrorReportRoutes(r, ctx);
  registerEncryptionRoutes(r, ctx);
  registerPhysicalStorageRoutes(r, ctx);
  registerRemoteRoutes(r, ctx, (remote) => enabledAnywhere(ctx.state, remote));
  registerScheduleRoutes(r, ctx);
  registerBackupRoutes(r, ctx);
  registerExtFileRoutes(r, ctx);
}

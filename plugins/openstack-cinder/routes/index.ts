import type { Router } from 'express';
import { registerAttachmentRoutes } from './attachments.js';
import { registerBackupRoutes } from './backups.js';
import { registerEncryptionRoutes } from './encryption.js';
import { registerMiscRoutes } from './misc.js';
import { registerSnapshotRoutes } from './snapshots.js';
import { registerTypeRoutes } from './types.js';
import { registerVolumeActionRoutes } from './volume-actions.js';
import { registerVolumeRoutes } from './volumes.js';

/** Every route family; registered twice by the app (with and without /{project_id}). */
export function registerRoutes(r: Router): void {
  registerVolumeRoutes(r);
  registerVolumeActionRoutes(r);
  registerAttachmentRoutes(r);
  registerSnapshotRoutes(r);
  registerBackupRoutes(r);
  registerTypeRoutes(r);
  registerEncryptionRoutes(r);
  registerMiscRoutes(r);
}

/** The command tree: every family linstor-client 1.27 has, plus the local commands. */
import type { CmdSpec } from '../spec.js';
import { adviseCommand } from './advise.js';
import { backupCommand } from './backup.js';
import { nodeConnectionCommand, resourceConnectionCommand } from './connections.js';
import { controllerCommand } from './controller.js';
import { drbdProxyCommand } from './drbd-proxy.js';
import { encryptionCommand } from './encryption.js';
import { errorReportsCommand } from './error-reports.js';
import { exosCommand } from './exos.js';
import { fileCommand } from './file.js';
import { keyValueStoreCommand } from './key-value-store.js';
import { localCommands } from './local.js';
import { sosReportCommand, spaceReportingCommand } from './misc.js';
import { nodeCommand } from './node.js';
import { physicalStorageCommand } from './physical-storage.js';
import { remoteCommand } from './remote.js';
import { resourceDefinitionCommand } from './resource-definition.js';
import { resourceGroupCommand, volumeGroupCommand } from './resource-group.js';
import { resourceCommand, volumeCommand } from './resource.js';
import { scheduleCommand } from './schedule.js';
import { snapshotCommand } from './snapshot.js';
import { storagePoolCommand } from './storage-pool.js';
import { volumeDefinitionCommand } from './volume-definition.js';

export const COMMANDS: CmdSpec[] = [
  controllerCommand, nodeCommand, nodeConnectionCommand, resourceDefinitionCommand, resourceGroupCommand, volumeGroupCommand,
  resourceCommand, resourceConnectionCommand, volumeCommand, snapshotCommand, drbdProxyCommand, storagePoolCommand,
  volumeDefinitionCommand, physicalStorageCommand, errorReportsCommand, exosCommand, adviseCommand, backupCommand,
  remoteCommand, fileCommand, scheduleCommand, keyValueStoreCommand, encryptionCommand(), sosReportCommand, spaceReportingCommand,
];
COMMANDS.push(...localCommands(() => COMMANDS));

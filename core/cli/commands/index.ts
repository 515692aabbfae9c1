import { withExtraCommands } from '../commands-extra/index.js';
import type { CmdSpec } from '../spec.js';
import { controllerCommand, errorReportsCommand, keyValueStoreCommand } from './admin.js';
import { nodeConnectionCommand, resourceConnectionCommand } from './connections.js';
import { nodeCommand } from './node.js';
import { physicalStorageCommand } from './physical-storage.js';
import { resourceDefinitionCommand, volumeDefinitionCommand } from './resource-definition.js';
import { resourceGroupCommand, volumeGroupCommand } from './resource-group.js';
import { resourceCommand, volumeCommand } from './resource.js';
import { snapshotCommand } from './snapshot.js';
import { storagePoolCommand } from './storage-pool.js';

export const COMMANDS: CmdSpec[] = withExtraCommands([
  nodeCommand, storagePoolCommand, resourceGroupCommand, volumeGroupCommand, resourceDefinitionCommand,
  volumeDefinitionCommand, resourceCommand, volumeCommand, snapshotCommand, controllerCommand,
  keyValueStoreCommand, errorReportsCommand, physicalStorageCommand, nodeConnectionCommand, resourceConnectionCommand,
]);

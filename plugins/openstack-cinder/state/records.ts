/** What the service remembers about Cinder objects (stored as JSON in the controller's key-value store). */

export type VolumeStatus =
  | 'creating' | 'available' | 'reserved' | 'attaching' | 'in-use' | 'detaching' | 'extending'
  | 'deleting' | 'error' | 'error_deleting' | 'error_extending' | 'maintenance';

export const VOLUME_STATUSES: VolumeStatus[] = [
  'creating', 'available', 'reserved', 'attaching', 'in-use', 'detaching', 'extending',
  'deleting', 'error', 'error_deleting', 'error_extending', 'maintenance',
];

export interface AttachmentRecord {
  id: string;
  /** reserved | attaching | attached | detached | error_attaching */
  status: string;
  instanceUuid: string | null;
  hostName: string | null;
  mountpoint: string | null;
  mode: 'rw' | 'ro';
  connector: Record<string, unknown> | null;
  connectionInfo: Record<string, unknown> | null;
  attachedAt: string | null;
  /** The node where this attachment made the volume available (to undo it on detach). */
  node?: string;
  /** True when the attach created the resource on that node (and detach may remove it). */
  createdResource?: boolean;
}

export interface VolumeRecord {
  id: string;
  /** LINSTOR resource-definition name (`volume-<id>`, as LINBIT's driver names it). */
  resource: string;
  projectId: string;
  userId: string;
  name: string | null;
  description: string | null;
  sizeGib: number;
  status: VolumeStatus;
  volumeTypeId: string;
  availabilityZone: string;
  snapshotId: string | null;
  sourceVolid: string | null;
  bootable: boolean;
  readonly: boolean;
  metadata: Record<string, string>;
  attachments: AttachmentRecord[];
  createdAt: string;
  updatedAt: string | null;
  /** Why the last operation failed (shown through the messages API). */
  fault?: { message: string; at: string; action: string };
  /** Connectors that got os-initialize_connection but no attachment yet, by host. */
  connections?: Record<string, { node: string; createdResource: boolean }>;
}

export interface SnapshotRecord {
  id: string;
  volumeId: string;
  /** The LINSTOR snapshot name on the volume's resource definition (`snapshot-<id>`). */
  linstorName: string;
  projectId: string;
  userId: string;
  name: string | null;
  description: string | null;
  sizeGib: number;
  status: string;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string | null;
  fault?: { message: string; at: string; action: string };
}

export interface VolumeTypeRecord {
  id: string;
  name: string;
  description: string | null;
  isPublic: boolean;
  extraSpecs: Record<string, string>;
  createdAt: string;
}

export const now = (): string => new Date().toISOString().replace('Z', '').padEnd(26, '0');

/** A Cinder backup: one LINSTOR backup (`<volume resource>_back_...`) on the configured S3 remote. */
export interface BackupRecord {
  id: string;
  volumeId: string;
  projectId: string;
  userId: string;
  name: string | null;
  description: string | null;
  sizeGib: number;
  /** creating | available | restoring | deleting | error | error_deleting */
  status: string;
  incremental: boolean;
  /** The LINSTOR snapshot shipped (`cinder-backup-<id>`) and, once complete, the LINSTOR backup id. */
  snapName: string;
  linstorId?: string;
  /** The backup this one is incremental on (Cinder id). */
  parentId?: string | null;
  createdAt: string;
  updatedAt: string | null;
  failReason?: string | null;
}

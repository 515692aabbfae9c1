/**
 * The controller–satellite protocol: newline-delimited JSON messages over one TCP connection
 * that the controller opens to the satellite (port 3366), as LINSTOR's controller does.
 *
 *   controller → satellite   {type:'hello', version, controllerId, clusterId, nonce, nodeName}
 *   satellite  → controller  {type:'hello', version, nodeName, uname, providers, layers, features, ..., nonce, identity}
 *   controller → satellite   {type:'auth', proof}                             (pairing, see core/model/pairing.ts)
 *   satellite  → controller  {type:'refused', reason, message}               (other cluster, bad proof)
 *   controller → satellite   {type:'apply', seq, state: DesiredNodeState}      full state: on connect, on
 *                                                                              request and every consistency check
 *   controller → satellite   {type:'update', seq, update: DesiredStateUpdate}  what changed since `update.base`
 *   satellite  → controller  {type:'report', seq, report, partial?, removed?, applied?}
 *   satellite  → controller  {type:'resync', seq, reason}                     "send me the full state"
 *   satellite  → controller  {type:'ext-files', failed}                       external files it could not
 *                                                                              write, after each list of them
 *   either side              {type:'ping', seq?} / {type:'pong'}
 *
 * Versions: `seq` increases with every message the controller sends a node. An update names
 * the seq it builds on (`base`); a satellite whose own version differs (a lost or reordered
 * message, a restart) applies nothing of it and asks for a resync, which the controller
 * answers with a full apply. The controller's pings carry the seq it sent last, so a lost
 * last message is noticed too. A report's `seq` is the satellite's watermark: every message up
 * to it is applied; `applied` gives, per resource, the seq of the state it last applied, so
 * the controller can answer a request as soon as its own resources are done.
 *
 * Updates go only to satellites that announce the 'incremental' feature; others get a full
 * apply for every change, as before.
 *
 * The satellite keeps no desired state of its own: after a restart it gets `apply` again and
 * converges. It keeps one thing on disk: the pairing with its controller's cluster (the
 * cluster id and the node key made at first contact). Until the hello/auth exchange has
 * proven both sides, it answers nothing but hello and ping and drops the peer on anything else.
 * A version mismatch (major differs) makes the controller show VERSION_MISMATCH and send nothing else.
 */
import type { ErrorReport, LayerKind, Props, ProviderKind } from './types.js';
import type { S3Target } from './backup.js';
import type { VolumeQos } from './qos.js';
import type { DesiredExtFile } from './ext-files.js';

export const PROTOCOL_VERSION = '1.0';

/** Feature names in the satellite's hello. */
export const FEATURE_INCREMENTAL = 'incremental';
/** The satellite sends `error-report` messages and takes `error-report-ack`. */
export const FEATURE_ERROR_REPORTS = 'error-reports';
/** The satellite answers `log-level` requests (its level changed live by the controller). */
export const FEATURE_LOG_LEVEL = 'log-level';
/** The satellite answers `sos-report` requests with its part of an SOS report. */
export const FEATURE_SOS_REPORT = 'sos-report';

export interface DesiredStoragePool {
  name: string;
  providerKind: ProviderKind;
  /** Effective props of the pool (StorDriver/StorPoolName, StorDriver/FileDir, ...). */
  props: Props;
  /** Shared storage pool: the backing store is seen by other nodes too (their volumes are not orphans here). */
  sharedSpace?: string;
  /** Shared pool whose locking is done outside LINSTOR (cLVM ...): activate without lvmlockd's lock modes. */
  externalLocking?: boolean;
}

export interface DesiredDrbdPeer {
  nodeName: string;
  nodeId: number;
  address: string;
  port: number;
  diskless: boolean;
  /** Resource-connection / node-connection options and paths, already resolved. */
  connectionProps: Props;
  /** The peer's `uname -n` when it differs from its node name (`on <host>` must match it). */
  hostName?: string;
  /** The peer's network interfaces (name → IP), for `Paths/*` and PrefNic. */
  netInterfaces?: Record<string, string>;
  /** Peer resource flags (TIE_BREAKER, DELETE, ...). A DELETE peer is left out of the .res file. */
  flags?: string[];
  /** The connection runs through DRBD Proxy on both hosts, on this port (the resource connection's). */
  proxy?: { port: number };
}

export interface DesiredVolume {
  volumeNumber: number;
  /** Net size the user asked for (usable size above every layer). */
  sizeKib: number;
  storagePool: string;
  /** Effective props (volume < volume definition < volume group, merged). */
  props: Props;
  minorNumber?: number;
  /** LUKS layer: the volume's passphrase, decrypted by the controller with the master passphrase. */
  luks?: { key: string };
  /** QoS limits of its backing device, resolved over every level (core/model/qos.ts); absent: none. */
  qos?: VolumeQos;
  /**
   * Shared storage pool, resource being deleted: other nodes still use this volume, so it is
   * only deactivated here, never destroyed.
   */
  keepShared?: boolean;
}

export interface DesiredResource {
  name: string;
  /** Layers top first, e.g. ['DRBD','STORAGE'] or ['STORAGE']. */
  layerStack: LayerKind[];
  /** Resource flags (DISKLESS, DRBD_DISKLESS, TIE_BREAKER, INACTIVE, DELETE ...). */
  flags: string[];
  /** Effective resource props (controller < group < definition < resource), merged. */
  props: Props;
  volumes: DesiredVolume[];
  drbd?: {
    nodeId: number;
    port: number;
    secret?: string;
    peerSlots: number;
    peers: DesiredDrbdPeer[];
    /** This node's address for DRBD (its PrefNic / default interface). */
    address?: string;
    /** This node's `uname -n` when it differs from the node name. */
    hostName?: string;
    /** This node's network interfaces (name → IP), for `Paths/*` of resource/node connections. */
    netInterfaces?: Record<string, string>;
    /** Activity-log geometry for create-md (LINSTOR's --al-stripes / --al-stripe-size-kB). */
    alStripes?: number;
    alStripeSizeKib?: number;
  };
}

export interface DesiredNodeState {
  nodeName: string;
  /** Effective node props (controller < node). */
  props: Props;
  storagePools: DesiredStoragePool[];
  resources: DesiredResource[];
  /**
   * Snapshots this node holds or must take/roll back (see core/controller/snapshots/desired.ts).
   * Absent: the satellite leaves every snapshot alone; present: snapshots not listed are removed.
   */
  snapshots?: DesiredSnapshot[];
  /**
   * External files this node must have (core/model/ext-files.ts). Absent: the satellite leaves
   * files alone; present: files it wrote earlier and not listed are removed.
   */
  extFiles?: DesiredExtFile[];
}

/**
 * The changes to a node's desired state since version `base`. Resources are replaced whole
 * (`resources`) or dropped (`removed`); `storagePools`, when present, is the complete pool list;
 * `snapshots` replaces the snapshot list of each named resource. Node props never change in an
 * update: that is a full apply.
 */
export interface DesiredStateUpdate {
  base: number;
  storagePools?: DesiredStoragePool[];
  resources?: DesiredResource[];
  /** Names of resources that are no longer desired on this node at all. */
  removed?: string[];
  snapshots?: Array<{ resource: string; snapshots: DesiredSnapshot[] }>;
  /** The complete list of external files, when it changed. */
  extFiles?: DesiredExtFile[];
}

/** One snapshot of one resource on this node (volumes named `<resource>_<vlmnr>_<snapshot>`). */
export interface DesiredSnapshot {
  resource: string;
  name: string;
  volumes: Array<{ volumeNumber: number; storagePool: string; sizeKib: number }>;
  /** Take it now if it does not exist yet (only while the controller is creating it). */
  take: boolean;
  /** Copy the snapshot back over the resource's volumes (only while a rollback is running). */
  rollback?: boolean;
  /** The resource uses DRBD here: suspend I/O around taking it so all nodes are consistent. */
  suspendIo?: boolean;
}

/** What the satellite did about one snapshot, attached to the resource's report. */
export interface ReportedSnapshot {
  name: string;
  /** Whether all its volumes exist in the pools. */
  present: boolean;
  error?: string;
  /** Commands of a dry run (suspend-io/resume-io without a DRBD kernel module). */
  plan?: string[];
}

export interface ReportedVolume {
  volumeNumber: number;
  devicePath?: string;
  allocatedSizeKib?: number;
  usableSizeKib?: number;
  /** DRBD-style disk state: UpToDate, Diskless, Inconsistent, Failed, Created, ... */
  diskState: string;
  /** Per layer data, top first, for layer_object / layer_data_list. */
  layers?: Array<{ type: LayerKind; devicePath?: string; backingDevice?: string; allocatedSizeKib?: number; usableSizeKib?: number; diskState?: string }>;
  replicationStates?: Record<string, { replication_state: string; done_percentage?: number }>;
}

export interface ReportedResource {
  name: string;
  /** Whether the satellite reached the desired state for this resource. */
  ready: boolean;
  inUse?: boolean;
  volumes: ReportedVolume[];
  /** Failure of the last apply for this resource, if any. */
  error?: { message: string; cause?: string; details?: string };
  drbdConnections?: Record<string, { connected: boolean; message: string }>;
  /** Set when a layer ran as a dry run (satellite --drbd-dry-run): nothing reached the kernel. */
  dryRun?: boolean;
  /** The commands a dry run would have executed, in order. */
  plan?: string[];
  /** Snapshots of this resource on this node (only when the desired state lists snapshots). */
  snapshots?: ReportedSnapshot[];
}

export interface ReportedStoragePool {
  name: string;
  providerKind: ProviderKind;
  freeCapacityKib: number;
  totalCapacityKib: number;
  supportsSnapshots: boolean;
  /** FILE_THIN: snapshots are reflink copies (xfs reflink=1, btrfs) rather than sparse full copies. */
  reflink?: boolean;
  error?: string;
}

export interface NodeReport {
  nodeName: string;
  storagePools: ReportedStoragePool[];
  resources: ReportedResource[];
}

export interface SatelliteHello {
  type: 'hello';
  version: string;
  nodeName: string;
  uname: string;
  providers: ProviderKind[];
  layers: LayerKind[];
  unsupportedProviders: Record<string, string[]>;
  unsupportedLayers: Record<string, string[]>;
  /** Protocol features beyond the base version (FEATURE_INCREMENTAL). */
  features?: string[];
  /** The satellite's challenge for the controller's `auth` proof. */
  nonce?: string;
  identity?: SatelliteIdentity;
}

/**
 * A report. Without `partial` it is the node's whole truth; with it, `report` holds only the
 * pools and resources that changed and `removed` the resources that are gone.
 */
export interface ReportMessage {
  type: 'report';
  seq: number;
  report: NodeReport;
  partial?: boolean;
  removed?: string[];
  /** Resource name → seq of the desired state of that resource the satellite applied. */
  applied?: Record<string, number>;
}

/**
 * Who the satellite is: `keyId` names its node key. At first contact (not yet paired) it
 * hands over `nodeKey` itself; once paired it never does again and proves the key instead.
 */
export interface SatelliteIdentity {
  keyId: string;
  nodeKey?: string;
  proof?: string;
}

export type RefusalReason = 'OTHER_CONTROLLER' | 'AUTHENTICATION_ERROR';

export type ControllerMessage =
  | { type: 'hello'; version: string; controllerId: string; nodeName: string; clusterId?: string; nonce?: string }
  | { type: 'auth'; proof: string }
  | { type: 'apply'; seq: number; state: DesiredNodeState }
  | { type: 'update'; seq: number; update: DesiredStateUpdate }
  /** `seq`: the last apply/update sent on this connection, so a satellite notices a lost last message. */
  | { type: 'ping'; seq?: number } | { type: 'pong' }
  /** The controller stored these error reports: the satellite forgets them. */
  | { type: 'error-report-ack'; ids: string[] }
  | SatelliteRequest;

export type SatelliteMessage =
  | SatelliteHello
  | { type: 'refused'; reason: RefusalReason; message: string }
  | ReportMessage
  | { type: 'resync'; seq: number; reason: string }
  | { type: 'ping' } | { type: 'pong' }
  | { type: 'error-report'; report: SatelliteErrorReport }
  /** After each list of external files: the files it could not write (path → why); {} when none. */
  | { type: 'ext-files'; failed: Record<string, string> }
  | SatelliteResponse;

/**
 * An error report written on the satellite (a failed apply, a failing command), sent to the
 * controller, which stores it with its own (`linstor error-reports list/show`). Kept on the
 * satellite until the controller acknowledges it, so reports written while no controller is
 * connected arrive at the next connection.
 */
/** The node name is not sent: the controller files a report under the link's authenticated node. */
export type SatelliteErrorReport = Omit<ErrorReport, 'nodeName'>;

// ---- Requests answered once, matched by reqId (physical-storage list / create-device-pool). ----

/** A device `physical-storage list` offers (filters: > 1 GiB, no signature, not DRBD, no partitions). */
export interface PhysicalDevice {
  device: string;
  sizeBytes: number;
  rotational: boolean;
  model?: string;
  serial?: string;
  wwn?: string;
}

export interface DevicePoolRequest {
  providerKind: 'LVM' | 'LVM_THIN' | 'ZFS' | 'ZFS_THIN';
  poolName: string;
  devicePaths: string[];
  /** Extra words for the tools, as LINSTOR's *_create_arguments. */
  pvCreateArguments?: string[];
  vgCreateArguments?: string[];
  lvCreateArguments?: string[];
  zpoolCreateArguments?: string[];
}

/** pino's level names; the controller maps LINSTOR's (ERROR, WARN, INFO, DEBUG, TRACE) to them. */
export type SatelliteLogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

export type SatelliteRequest =
  | { type: 'physical-storage-list'; reqId: number }
  /** Answered with `{ level }`: the satellite's log level now (`level` set first when given). */
  | { type: 'log-level'; reqId: number; level?: SatelliteLogLevel }
  | { type: 'create-device-pool'; reqId: number; request: DevicePoolRequest }
  | { type: 'backup-upload'; reqId: number; request: BackupUploadRequest }
  | { type: 'backup-download'; reqId: number; request: BackupDownloadRequest }
  | { type: 'backup-abort'; reqId: number; jobId: string }
  | { type: 'backup-receive'; reqId: number; request: BackupReceiveRequest }
  | { type: 'backup-receive-commit'; reqId: number; request: BackupReceiveCommit }
  | { type: 'backup-send'; reqId: number; request: BackupSendRequest }
  /** Answered with `{ allowed }`: may this node write the file (its allowed directories)? */
  | { type: 'ext-file-check'; reqId: number; path: string }
  /** Answered with ExtFileStatus: where the file is on disk and whether its content is `sha256`'s. */
  | { type: 'ext-file-status'; reqId: number; path: string; sha256: string; altSuffixes?: string[] }
  | { type: 'sos-report'; reqId: number; request: SosPartRequest };

/** The satellite's answer to `ext-file-status` (the REST API's ExtFileStatusResult). */
export interface ExtFileStatus { actualPath?: string; contentMatch: boolean }

/** A satellite's part of an SOS report: log lines since `since` (epoch ms; all kept when absent). */
export interface SosPartRequest { since?: number }

/** Files under the node's folder of the report (relative paths of plain segments), secrets removed. */
export interface SosPart { files: Array<{ path: string; content: string }> }

/** Shipping to another cluster: the target satellite listens for one job's volume streams. */
export interface BackupReceiveRequest {
  jobId: string;
  token: string;
  bindAddress: string;
  resource: string;
  snapshot: string;
  /** Incremental: each stream is applied onto a copy of this local snapshot of the resource. */
  baseSnapshot?: string;
  volumes: Array<{ volumeNumber: number; storagePool: string; sizeBytes: number }>;
  /** Listen on the first free port of this range (SnapshotShipping/TcpPortRange); absent: any free port. */
  ports?: { from: number; to: number };
}

export interface BackupReceiveCommit {
  jobId: string;
  volumes: Array<{ volumeNumber: number; sha256: string; imageSha256: string }>;
}

export interface BackupSendRequest {
  jobId: string;
  resource: string;
  snapshot: string;
  /** Incremental: only what differs from this local snapshot (which the target holds too) is sent. */
  baseSnapshot?: string;
  target: { address: string; port: number; token: string };
  volumes: Array<{ volumeNumber: number; storagePool: string }>;
}

// ---- Backups (core/satellite/backup): the satellite streams a snapshot to S3 or back. ----

/** Upload each volume of a local snapshot (incremental: only what differs from `baseSnapshot`). */
export interface BackupUploadRequest {
  jobId: string;
  s3: S3Target;
  resource: string;
  snapshot: string;
  baseSnapshot?: string;
  volumes: Array<{ volumeNumber: number; storagePool: string; key: string }>;
}

export interface BackupUploadResult {
  volumes: Array<{ volumeNumber: number; key: string; sha256: string; objectBytes: number; sizeBytes: number; imageSha256: string; changedBytes: number }>;
  compression: 'zstd' | 'gzip';
}

/**
 * Download a chain of backups (full first, then incrementals) into a new local snapshot
 * `<resource>_<vlmnr>_<snapshot>`; every object is checked against its SHA-256 before any of
 * it is applied, and the result against the image SHA-256 of the last backup.
 */
export interface BackupDownloadRequest {
  jobId: string;
  s3: S3Target;
  resource: string;
  snapshot: string;
  volumes: Array<{ volumeNumber: number; storagePool: string; sizeBytes: number; imageSha256: string; chain: Array<{ key: string; sha256: string }> }>;
}

export type SatelliteResponse =
  | { type: 'response'; reqId: number; ok: true; result: unknown }
  /** rc is a LINSTOR return-code name (apiconsts) so the controller can rethrow the same ApiError. */
  | { type: 'response'; reqId: number; ok: false; error: { rc: string; message: string; cause?: string; correction?: string; details?: string } };

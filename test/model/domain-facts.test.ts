import test from 'ava';
import { deviceOfVolume } from '../../core/client/index.js';
import { drbdByResPath, drbdMinorDevice, volumeDevicePath } from '../../core/model/device-path.js';
import { isThinProvider, supportsSnapshots } from '../../core/model/provider-kinds.js';
import { isDisklessResource } from '../../core/model/resource-flags.js';

test('a resource is diskless when any flag implies LINSTOR\'s DISKLESS bit, in any spelling of the wire', (t) => {
  for (const flags of [['DISKLESS'], ['DRBD_DISKLESS'], ['DISKLESS', 'DRBD_DISKLESS', 'TIE_BREAKER'], ['TIE_BREAKER'], ['NVME_INITIATOR'], ['drbd_diskless']]) {
    t.true(isDisklessResource(flags), flags.join(','));
  }
  for (const flags of [[], ['DELETE'], ['INACTIVE', 'CLEAN'], undefined]) t.false(isDisklessResource(flags), String(flags));
});

test('thin kinds are LVM_THIN, ZFS_THIN and FILE_THIN; snapshots also work on thick ZFS', (t) => {
  t.deepEqual(['DISKLESS', 'LVM', 'LVM_THIN', 'ZFS', 'ZFS_THIN', 'FILE', 'FILE_THIN'].filter(isThinProvider), ['LVM_THIN', 'ZFS_THIN', 'FILE_THIN']);
  t.deepEqual(['DISKLESS', 'LVM', 'LVM_THIN', 'ZFS', 'ZFS_THIN', 'FILE', 'FILE_THIN'].filter(supportsSnapshots), ['LVM_THIN', 'ZFS', 'ZFS_THIN', 'FILE_THIN']);
  t.true(isThinProvider('lvm_thin'), 'the wire spelling is accepted');
  t.false(isThinProvider(undefined));
});

test('a volume\'s device: the DRBD by-res link when DRBD is on top, else what the satellite reported', (t) => {
  t.is(drbdMinorDevice(1000), '/dev/drbd1000');
  t.is(drbdByResPath('vm-100-disk-1', 0), '/dev/drbd/by-res/vm-100-disk-1/0');
  t.is(volumeDevicePath({ resource: 'r1', volumeNumber: 1, topLayer: 'drbd', reportedPath: '/dev/drbd1001' }), '/dev/drbd/by-res/r1/1');
  t.is(volumeDevicePath({ resource: 'r1', volumeNumber: 0, topLayer: 'STORAGE', reportedPath: '/dev/loop7' }), '/dev/loop7');
  t.is(volumeDevicePath({ resource: 'r1', volumeNumber: 0, topLayer: 'LUKS', reportedPath: '/dev/mapper/r1_00000' }), '/dev/mapper/r1_00000');
  t.is(volumeDevicePath({ resource: 'r1', volumeNumber: 0, topLayer: 'STORAGE' }), undefined, 'nothing reported yet: no device');
  // The same rule read from the REST view adapters get (layer_object, or the volume's layer list).
  const view = (top: string, path?: string) => ({ name: 'pm-1', layer_object: { type: top }, volumes: [{ volume_number: 0, device_path: path }] });
  t.is(deviceOfVolume(view('DRBD', '/dev/drbd1000')), '/dev/drbd/by-res/pm-1/0');
  t.is(deviceOfVolume(view('NVME', '/dev/nvme0n1')), '/dev/nvme0n1');
  t.is(deviceOfVolume({ name: 'x', volumes: [{ volume_number: 1, device_path: '/dev/loop3', layer_data_list: [{ type: 'STORAGE' }] }] }, 1), '/dev/loop3');
});

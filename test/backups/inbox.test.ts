/**
 * The satellite checks every backup message before acting: object keys, buckets, endpoints,
 * checksums, addresses and names are refused with the field named, so a controller message
 * cannot make a satellite write outside its pool or talk to an arbitrary scheme.
 */
import test from 'ava';
import { checkControllerMessage } from '../../core/satellite/inbox/check-message.js';

const s3 = { endpoint: 'http://127.0.0.1:9000', bucket: 'bkt-1', region: 'us-east-1', usePathStyle: true, accessKey: 'a', secretKey: 's' };
const upload = (over: Record<string, unknown> = {}, s3over: Record<string, unknown> = {}) => ({
  type: 'backup-upload', reqId: 1,
  request: { jobId: 'j1', s3: { ...s3, ...s3over }, resource: 'rsc1', snapshot: 'back_20260101_000000', volumes: [{ volumeNumber: 0, storagePool: 'thin', key: 'rsc1_00000_back_20260101_000000' }], ...over },
});
const sha = 'a'.repeat(64);
const download = (vol: Record<string, unknown> = {}) => ({
  type: 'backup-download', reqId: 2,
  request: { jobId: 'j2', s3, resource: 'rsc2', snapshot: 'snap1', volumes: [{ volumeNumber: 0, storagePool: 'thin', sizeBytes: 1024, imageSha256: sha, chain: [{ key: 'k1', sha256: sha }], ...vol }] },
});

test('well-formed backup messages pass', (t) => {
  t.notThrows(() => checkControllerMessage(upload()));
  t.notThrows(() => checkControllerMessage(download()));
  t.notThrows(() => checkControllerMessage(download({ imageSha256: '' })), 'a ZFS/LVM_THIN backup (native stream) has no image checksum');
  t.notThrows(() => checkControllerMessage({ type: 'backup-abort', reqId: 3, jobId: 'j1' }));
  t.notThrows(() => checkControllerMessage({ type: 'backup-receive', reqId: 4, request: { jobId: 'j4', token: 'abc', bindAddress: '127.0.0.2', resource: 'r1', snapshot: 's1', volumes: [{ volumeNumber: 0, storagePool: 'thin', sizeBytes: 1 }] } }));
  t.notThrows(() => checkControllerMessage({ type: 'backup-receive', reqId: 4, request: { jobId: 'j4', token: 'abc', bindAddress: '127.0.0.2', resource: 'r1', snapshot: 's1', volumes: [], ports: { from: 31510, to: 31511 } } }));
});

test('bad fields are refused, naming the field', (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [upload({}, { endpoint: 'file:///etc/passwd' }), /request\.s3\.endpoint/],
    [upload({}, { bucket: '../up' }), /request\.s3\.bucket/],
    [upload({ volumes: [{ volumeNumber: 0, storagePool: 'thin', key: '../../etc/x' }] }), /request\.volumes\[0\]\.key/],
    [upload({ volumes: [{ volumeNumber: 0, storagePool: '../x', key: 'k' }] }), /request\.volumes\[0\]\.storagePool/],
    [upload({ resource: 'a/b' }), /request\.resource/],
    [upload({ baseSnapshot: 'x y' }), /request\.baseSnapshot/],
    [download({ imageSha256: 'nothex' }), /request\.volumes\[0\]\.imageSha256/],
    [download({ chain: [{ key: 'k', sha256: 'short' }] }), /request\.volumes\[0\]\.chain\[0\]\.sha256/],
    [download({ sizeBytes: -1 }), /request\.volumes\[0\]\.sizeBytes/],
    [{ type: 'backup-receive', reqId: 5, request: { jobId: 'j5', token: 'abc', bindAddress: '0.0.0.0; rm -rf', resource: 'r1', snapshot: 's1', volumes: [] } }, /request\.bindAddress/],
    [{ type: 'backup-receive', reqId: 7, request: { jobId: 'j7', token: 'abc', bindAddress: '127.0.0.2', resource: 'r1', snapshot: 's1', volumes: [], ports: { from: 31511, to: 31510 } } }, /request\.ports\.to/],
    [{ type: 'backup-receive', reqId: 8, request: { jobId: 'j8', token: 'abc', bindAddress: '127.0.0.2', resource: 'r1', snapshot: 's1', volumes: [], ports: { from: 0, to: 5 } } }, /request\.ports\.from/],
    [{ type: 'backup-send', reqId: 6, request: { jobId: 'j6', resource: 'r1', snapshot: 's1', target: { address: '127.0.0.1', port: 0, token: 't' }, volumes: [] } }, /request\.target\.port/],
  ];
  for (const [msg, re] of bad) {
    const e = t.throws(() => checkControllerMessage(msg), undefined, JSON.stringify(msg));
    t.regex(e?.message ?? '', re);
  }
});

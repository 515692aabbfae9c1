import test from 'ava';
import { createHmac, randomBytes } from 'node:crypto';
import { verifyHostKey } from '../../plugins/opennebula/remote/known-hosts.js';

const key = randomBytes(51);
const other = randomBytes(51);
const line = (hosts: string, k = key) => `${hosts} ssh-ed25519 ${k.toString('base64')}`;

test('a host key listed for [host]:port is accepted, another key or port is refused', (t) => {
  const kh = `# comment\n${line('[127.0.0.1]:2222,[127.0.0.2]:2222')}\n`;
  t.true(verifyHostKey(kh, '127.0.0.2', 2222, key));
  t.false(verifyHostKey(kh, '127.0.0.2', 2222, other), 'a changed key is refused');
  t.false(verifyHostKey(kh, '127.0.0.2', 22, key), 'the port is part of the entry');
  t.false(verifyHostKey('', 'alice', 22, key), 'an unknown host is refused');
});

test('hashed known_hosts entries and @revoked markers are honoured', (t) => {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update('alice').digest('base64');
  const kh = `${line(`|1|${salt.toString('base64')}|${hash}`)}\n@revoked ${line('bob')}\n${line('bob')}\n`;
  t.true(verifyHostKey(kh, 'alice', 22, key));
  t.false(verifyHostKey(kh, 'bob', 22, key));
});

import test from 'ava';
import { readFile } from 'node:fs/promises';
import { parseStringPromise } from 'xml2js';
import { checkDrbdOption, DRBD_OPTIONS } from '../../core/model/drbd-options.js';
import { ApiError } from '../../core/model/errors.js';

const FIXTURES = new URL('../../../test/fixtures/drbd/', import.meta.url);
const SECTIONS = { 'resource-options': 'Resource', 'disk-options': 'Disk', 'new-peer': 'Net', 'peer-device-options': 'PeerDevice' } as const;

test('good values for DRBD options are accepted and booleans are written the way drbd.conf wants them', (t) => {
  t.is(checkDrbdOption('DrbdOptions/Net/allow-two-primaries', 'true'), 'yes');
  t.is(checkDrbdOption('DrbdOptions/Net/allow-two-primaries', 'no'), 'no');
  t.is(checkDrbdOption('DrbdOptions/Resource/quorum', 'majority'), 'majority');
  t.is(checkDrbdOption('DrbdOptions/Resource/quorum', '2'), '2');
  t.is(checkDrbdOption('DrbdOptions/Disk/on-io-error', 'detach'), 'detach');
  t.is(checkDrbdOption('DrbdOptions/PeerDevice/c-max-rate', '102400'), '102400');
  t.is(checkDrbdOption('DrbdOptions/PeerDevice/c-max-rate', '100M'), '100M');
  t.is(checkDrbdOption('DrbdOptions/Handlers/split-brain', '/usr/lib/drbd/notify-split-brain.sh root'), '/usr/lib/drbd/notify-split-brain.sh root');
  t.is(checkDrbdOption('DrbdOptions/auto-quorum', 'suspend-io'), 'suspend-io');
  t.is(checkDrbdOption('DrbdOptions/AutoEvictAllowEviction', 'yes'), 'true');
  t.is(checkDrbdOption('DrbdOptions/AutoEvictMinReplicaCount', '2'), '2');
});

test('bad values are refused with FAIL_INVLD_PROP naming the option and what it accepts', (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ['DrbdOptions/Net/allow-two-primaries', 'maybe', /expected a boolean/],
    ['DrbdOptions/Resource/quorum', '33', /one of off, majority, all or an integer from 1 to 32/],
    ['DrbdOptions/Disk/on-io-error', 'panic', /one of pass_on, call-local-io-error, detach/],
    ['DrbdOptions/PeerDevice/c-max-rate', '5G', /integer from 0 to 4194304 bytes\/second/],
    ['DrbdOptions/Net/timeout', '0', /integer from 1 to 600 1\/10 seconds/],
    ['DrbdOptions/Net/max-buffers', 'lots', /integer from 32 to 131072/],
    ['DrbdOptions/auto-quorum', 'yes', /one of disabled, io-error, suspend-io/],
    ['DrbdOptions/Handlers/fence-peer', 'evil" ; x', /without quotes/],
  ];
  for (const [key, value, msg] of cases) {
    const e = t.throws(() => checkDrbdOption(key, value), { instanceOf: ApiError }, `${key}=${value}`);
    t.is(e!.rc, 'FAIL_INVLD_PROP');
    t.true(e!.message.includes(key) || key.includes('Handlers'), e!.message);
    t.regex(e!.message, msg);
  }
});

test('an unknown or misplaced option is refused and the right namespace is suggested', (t) => {
  const e = t.throws(() => checkDrbdOption('DrbdOptions/Disk/allow-two-primaries', 'yes'), { instanceOf: ApiError });
  t.is(e!.rc, 'FAIL_INVLD_PROP');
  t.regex(e!.opts.correction ?? '', /DrbdOptions\/Net\/allow-two-primaries/);
  t.throws(() => checkDrbdOption('DrbdOptions/Net/no-such-option', '1'), { message: /Unknown DRBD option/ });
});

test('the option table matches what the real drbdsetup xml-help reports (recorded from drbd-utils 9.22)', async (t) => {
  for (const [cmd, section] of Object.entries(SECTIONS)) {
    const xml = await parseStringPromise(await readFile(new URL(`xml-help-${cmd}.xml`, FIXTURES), 'utf8'));
    for (const o of xml.command.option as Array<{ $: { name: string; type: string }; min?: string[]; max?: string[]; handler?: string[]; symbol?: string[] }>) {
      const { name, type } = o.$;
      if (type === 'flag' || name === '_name') continue;
      const mine = DRBD_OPTIONS.get(`DrbdOptions/${section}/${name}`);
      t.truthy(mine, `missing ${section}/${name}`);
      if (!mine || name === 'resync-after') continue;
      const expected: string | undefined = ({ boolean: 'bool', handler: 'enum', numeric: 'numeric', 'numeric-or-symbol': 'numeric-or-symbol', string: 'string' } as Record<string, string>)[type];
      t.is(mine.type as string, expected, name);
      if (o.min) t.is(mine.min, Number(o.min[0]), `${name} min`);
      if (o.max) t.is(mine.max, Number(o.max[0]), `${name} max`);
      if (o.handler) t.deepEqual(mine.values, o.handler, `${name} values`);
      if (o.symbol) t.deepEqual(mine.values, o.symbol, `${name} symbols`);
    }
  }
});

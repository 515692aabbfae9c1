import test from 'ava';
import { renderTable, Color } from '../../core/cli/table.js';

const headers = ['Node', 'NodeType', 'Addresses', 'State'];
const rows = [['alpha', 'SATELLITE', '10.0.0.1:3366 (PLAIN)', { text: 'Online', color: Color.GREEN }]];

test('tables are drawn with rounded UTF-8 boxes and ┊ separators like linstor-client', (t) => {
  t.is(renderTable(headers, rows, { utf8: true, color: false }), [
    '╭' + '─'.repeat(52) + '╮',
    '┊ Node  ┊ NodeType  ┊ Addresses             ┊ State  ┊',
    '╞' + '═'.repeat(52) + '╡',
    '┊ alpha ┊ SATELLITE ┊ 10.0.0.1:3366 (PLAIN) ┊ Online ┊',
    '╰' + '─'.repeat(52) + '╯',
    '',
  ].join('\n'));
});

test('--no-utf8 tables use plain ASCII +---+, | and a |===| header rule, as linstor-client does', (t) => {
  const out = renderTable(headers, rows, { utf8: false, color: false });
  t.is(out.split('\n')[0], '+' + '-'.repeat(52) + '+');
  t.is(out.split('\n')[1], '| Node  | NodeType  | Addresses             | State  |');
  t.is(out.split('\n')[2], '|' + '='.repeat(52) + '|');
  t.true([...out].every((c) => c.charCodeAt(0) < 128));
});

test('colours appear only when enabled and do not change the column widths', (t) => {
  const plain = renderTable(headers, rows, { utf8: true, color: false });
  const colored = renderTable(headers, rows, { utf8: true, color: true });
  t.false(plain.includes('\x1b['));
  t.true(colored.includes(`${Color.GREEN}Online${Color.NONE}`));
  t.is(colored.replace(/\x1b\[[0-9;]*m/g, ''), plain);
});

test('an empty list still prints the header box', (t) => {
  const out = renderTable(['ResourceName', 'Node'], [], { utf8: true, color: false });
  t.is(out.split('\n').length, 5);
});

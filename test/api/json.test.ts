/**
 * Lossless JSON on the wire (core/model/json.ts): int64 return codes and capacities stay
 * exact, and strings that look like numbers are never touched.
 */
import test from 'ava';
import { fromJson, fromRequestJson, toJson } from '../../core/model/json.js';

test('a property value with a 20-digit number inside a string is read back unchanged', (t) => {
  // The regex parser this replaces rewrote the digits inside the string and threw.
  const text = '[{"name":"vm-1","props":{"Aux/id":"id:12345678901234567890}","Aux/n":"[1, 99999999999999999]"}}]';
  const parsed = fromJson<Array<{ props: Record<string, string> }>>(text, { exactIntegers: true });
  t.is(parsed[0]!.props['Aux/id'], 'id:12345678901234567890}');
  t.is(parsed[0]!.props['Aux/n'], '[1, 99999999999999999]');
});

test('ret_code is always an exact bigint; other big integers only with exactIntegers', (t) => {
  const text = '[{"ret_code":-4611686018406153244,"message":"m"},{"ret_code":17563649},{"free_capacity":9223372036854775807,"ratio":1.5}]';
  const plain = fromJson<any[]>(text);
  t.is(plain[0].ret_code, -4611686018406153244n);
  t.is(plain[1].ret_code, 17563649n);
  t.is(typeof plain[2].free_capacity, 'number');
  t.is(plain[2].ratio, 1.5);
  const exact = fromJson<any[]>(text, { exactIntegers: true });
  t.is(exact[2].free_capacity, 9223372036854775807n);
  t.is(toJson(exact), text);
});

test('malformed JSON is refused, not half-read', (t) => {
  t.throws(() => fromJson('{"ret_code": 1,'));
  t.throws(() => fromJson('{"a": "unterminated}'));
});

test('request bodies keep integers a double would round as their digits, other numbers as numbers', (t) => {
  const body = fromRequestJson('{"override_props":{"Aux/id":12345678901234567890,"Aux/n":100},"size":1.5,"neg":-9007199254740993}') as any;
  t.is(body.override_props['Aux/id'], '12345678901234567890');
  t.is(body.override_props['Aux/n'], 100);
  t.is(body.size, 1.5);
  t.is(body.neg, '-9007199254740993');
  t.is(fromRequestJson('"a bare string"'), 'a bare string');
  t.throws(() => fromRequestJson('{"a":'));
});

/** The layer-stack rules of §3.5 as `--layer-list` users meet them. */
import test from 'ava';
import { ApiError } from '../../core/model/errors.js';
import { ALLOWED_BELOW, checkLayerStack, isLayerStackAllowed } from '../../core/model/layer-stack-rules.js';
import { LAYER_KINDS } from '../../core/model/types.js';

const broken = (t: import('ava').ExecutionContext, list: string[], rule: RegExp): void => {
  const e = t.throws(() => checkLayerStack(list), { instanceOf: ApiError });
  t.is(e!.rc, 'FAIL_INVLD_LAYER_STACK', list.join(','));
  t.regex(e!.message, rule, list.join(','));
  t.truthy(e!.opts.correction);
};

test('the stacks the guide uses are accepted (case-insensitive)', (t) => {
  for (const s of ['storage', 'drbd,storage', 'drbd,luks,storage', 'luks,storage', 'nvme,storage', 'drbd,nvme,storage',
    'nvme,luks,storage', 'drbd,writecache,storage', 'drbd,cache,storage', 'drbd,cache,writecache,storage',
    'writecache,cache,luks,storage', 'drbd,bcache,storage', 'drbd,nvme,cache,storage', 'DRBD,Luks,STORAGE']) {
    t.deepEqual(checkLayerStack(s.split(',')), s.toUpperCase().split(','), s);
  }
});

test('every layer stack must end with STORAGE', (t) => {
  broken(t, ['drbd'], /must end with STORAGE/);
  broken(t, ['drbd', 'luks'], /must end with STORAGE/);
  broken(t, ['nvme'], /must end with STORAGE/);
});

test('STORAGE is the bottom layer: nothing may be below it', (t) => {
  broken(t, ['storage', 'drbd'], /STORAGE must be the bottom layer/);
  broken(t, ['luks', 'storage', 'luks'], /appears more than once/);
});

test('a layer may appear at most once', (t) => {
  broken(t, ['drbd', 'drbd', 'storage'], /DRBD appears more than once/);
  broken(t, ['drbd', 'cache', 'writecache', 'cache', 'storage'], /CACHE appears more than once/);
});

test('LUKS sits directly on STORAGE only', (t) => {
  broken(t, ['luks', 'drbd', 'storage'], /DRBD may not be directly below LUKS/);
  broken(t, ['luks', 'cache', 'storage'], /CACHE may not be directly below LUKS/);
  broken(t, ['luks', 'nvme', 'storage'], /NVME may not be directly below LUKS/);
});

test('DRBD can only be the top layer: NVME, caches and LUKS never sit above it', (t) => {
  broken(t, ['nvme', 'drbd', 'storage'], /DRBD may not be directly below NVME/);
  broken(t, ['writecache', 'drbd', 'storage'], /DRBD may not be directly below WRITECACHE/);
  broken(t, ['cache', 'drbd', 'storage'], /DRBD may not be directly below CACHE/);
  broken(t, ['bcache', 'drbd', 'storage'], /DRBD may not be directly below BCACHE/);
});

test('BCACHE does not stack on CACHE, but CACHE may stack on BCACHE', (t) => {
  broken(t, ['bcache', 'cache', 'storage'], /CACHE may not be directly below BCACHE/);
  t.true(isLayerStackAllowed(['cache', 'bcache', 'storage']));
});

test('an empty list and unknown layer names are refused', (t) => {
  broken(t, [], /empty/);
  const e = t.throws(() => checkLayerStack(['drbd', 'zfs', 'storage']), { instanceOf: ApiError });
  t.is(e!.rc, 'FAIL_INVLD_LAYER_KIND');
});

test('the rule table: each pair is allowed exactly when listed, and every layer can reach STORAGE', (t) => {
  for (const upper of LAYER_KINDS) {
    for (const lower of LAYER_KINDS) {
      if (upper === lower) continue;
      const stack = lower === 'STORAGE' ? [upper, 'STORAGE'] : [upper, lower, 'STORAGE'];
      const lowerOk = lower === 'STORAGE' || ALLOWED_BELOW[lower].includes('STORAGE');
      if (!lowerOk || upper === 'STORAGE') continue;
      t.is(isLayerStackAllowed(stack), ALLOWED_BELOW[upper].includes(lower), stack.join(','));
    }
  }
});

/**
 * The mutation list of `npm run mutate` stays usable: every mutation's text occurs exactly once
 * in its file (a refactor that moves it must update scripts/mutate/mutants.ts, or the mutation
 * would silently test nothing), its covering test files exist, and issue 14's six are there.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MUTANTS } from '../../scripts/mutate/mutants.js';
import { REPO_ROOT } from '../helpers/controller.js';

test('every mutation names text found exactly once, a real change, and existing covering tests', (t) => {
  t.is(new Set(MUTANTS.map((m) => m.id)).size, MUTANTS.length, 'ids are unique');
  for (const m of MUTANTS) {
    const src = readFileSync(join(REPO_ROOT, m.file), 'utf8');
    t.is(src.split(m.find).length - 1, 1, `${m.id}: '${m.find.slice(0, 60)}' occurs once in ${m.file}`);
    t.not(m.find, m.replace, `${m.id} changes something`);
    t.true(m.tests.length > 0, `${m.id} names its tests`);
    for (const f of m.tests) t.true(existsSync(join(REPO_ROOT, f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), `${m.id}: ${f}`);
  }
});

test("the six mutations of issue 14's table are in the set", (t) => {
  const six = MUTANTS.filter((m) => m.issue14).map((m) => m.id).sort();
  t.deepEqual(six, ['api-coerce', 'cinder-min-version', 'csi-limit-bytes', 'csi-snapshot-args', 'model-rsc-name-max', 'placement-rod-existing']);
});

/**
 * The generated contract files are current: regenerating from the committed spec copies in
 * memory gives exactly the committed output (run `npm run gen` after changing the spec or the
 * generator). CI runs this with the suite.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { generateAll } from '../../scripts/gen/main.js';
import { REPO_ROOT } from '../helpers/controller.js';

test('every generated file matches what the generator makes from the committed spec', (t) => {
  const files = generateAll(REPO_ROOT);
  t.true(Object.keys(files).length >= 3);
  for (const [rel, text] of Object.entries(files)) {
    t.is(readFileSync(join(REPO_ROOT, rel), 'utf8'), text, `${rel} is stale: run npm run gen`);
  }
});

test('the generated types name every request body of the spec', (t) => {
  const types = readFileSync(join(REPO_ROOT, 'core/api/generated/types.ts'), 'utf8');
  for (const op of ['"POST /v1/resource-groups": ResourceGroup;', '"POST /v1/resource-groups/{resource_group}/spawn": ResourceGroupSpawn;',
    '"POST /v1/resource-definitions/{resource}/resources": ResourceCreate[];', '"PUT /v1/controller/config": ControllerConfig;']) {
    t.true(types.includes(op), op);
  }
});

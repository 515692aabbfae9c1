/**
 * `npm run gen`: regenerates every file derived from the committed LINSTOR spec copies in
 * core/api/spec/. No network: it reads only the repository. A test regenerates in memory and
 * fails when a committed output is stale.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiConsts } from './apiconsts.js';
import { generateSchemas, generateTypes, parseSpec } from './openapi.js';

/** Every generated file, by path relative to the repository root. */
export function generateAll(root: string): Record<string, string> {
  const spec = parseSpec(readFileSync(join(root, 'core/api/spec/linstor-rest-v1-openapi.yaml'), 'utf8'));
  return {
    'core/api/generated/types.ts': generateTypes(spec),
    'core/api/generated/schemas.ts': generateSchemas(spec),
    'core/model/apiconsts.ts': generateApiConsts(readFileSync(join(root, 'core/api/spec/linstor-common-consts.json'), 'utf8')),
  };
}

// dist/scripts/gen/main.js → repository root.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [rel, text] of Object.entries(generateAll(ROOT))) {
    mkdirSync(dirname(join(ROOT, rel)), { recursive: true });
    writeFileSync(join(ROOT, rel), text);
    console.log(`wrote ${rel}`);
  }
}

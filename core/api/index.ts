/**
 * LINSTOR's REST API v1 wire contract: the types generated from its OpenAPI spec
 * (core/api/spec/, `npm run gen`) and the request validator that coerces as LINSTOR does.
 */
export type * from './generated/types.js';
export { validateRequest, requestKeys, type RequestKey } from './validate.js';

import type { OptSpec } from '../spec.js';

/** Options most `list` commands share. */
export const listOpts: OptSpec[] = [
  { name: 'nodes', short: 'n', kind: 'list', help: 'Filter by list of nodes' },
  { name: 'props', kind: 'list', help: 'Filter list by object properties (Key=Value)' },
];
export const setPropOpts: OptSpec[] = [{ name: 'aux', kind: 'bool', help: 'Property is an auxiliary user-defined property (Aux/ prefix)' }];
export const LIST = { name: 'list', aliases: ['l', 'ls'] };
export const CREATE = { name: 'create', aliases: ['c', 'crt'] };
export const DELETE = { name: 'delete', aliases: ['d', 'del'] };
export const MODIFY = { name: 'modify', aliases: ['m', 'mod'] };
export const SETPROP = { name: 'set-property', aliases: ['sp', 'setprop', 'setprp'] };
export const LISTPROP = { name: 'list-properties', aliases: ['lp', 'list-props', 'listprops'] };

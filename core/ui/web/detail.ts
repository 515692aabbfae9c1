/**
 * Detail pages: an object's fields, what belongs to it, and its properties (set and delete
 * where LINSTOR lets them be modified). Routes are `#/<kind>/<name>[/<name>…]`; a poll whose
 * calls were all answered 304 draws nothing (see `unchanged`).
 */
import * as act from './actions.js';
import { unchanged } from './api.js';
import { type Child, h, swapIfChanged } from './dom.js';
import { carryMessagesOver, showError } from './messages.js';

/** A page: its data (the inputs a redraw compares) and how it is drawn from them. */
export interface Loaded { inputs: unknown[]; draw: () => Child[] }
export type PageLoader = (names: string[]) => Promise<Loaded>;

/** Where an object's properties are modified and how (PUT for objects, POST for the controller). */
export interface PropsTarget { path: string; what: string; method?: 'PUT' | 'POST' }

/** The object's properties, each deletable, and "Set property" (override_props/delete_props). */
export function propsTable(props: Record<string, string> | undefined, target: PropsTarget, heading = 'Properties'): HTMLElement {
  const keys = Object.keys(props ?? {}).sort();
  const { path, what, method = 'PUT' } = target;
  return h('section', { 'aria-label': heading }, h('h2', {}, heading),
    h('div', { class: 'actions' }, h('button', { type: 'button', 'aria-label': `Set property of ${what}`, onclick: () => { void act.setProperty(path, what, method).catch(showError); } }, 'Set property')),
    keys.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'Actions'))),
      h('tbody', {}, keys.map((k) => h('tr', { 'data-name': k }, h('th', { scope: 'row' }, k), h('td', {}, props![k]!),
        h('td', {}, h('button', { type: 'button', class: 'danger', 'aria-label': `Delete property ${k}`, onclick: () => { void act.deleteProperty(path, what, k, method).catch(showError); } }, 'Delete'))))))
      : h('p', { class: 'muted' }, 'No properties.'));
}

/** Properties shown but not modifiable here (inherited or reported ones). */
export function propsView(props: Record<string, string> | undefined, heading: string): HTMLElement {
  const keys = Object.keys(props ?? {}).sort();
  return h('section', { 'aria-label': heading }, h('h2', {}, heading),
    keys.length ? fields(keys.map((k) => [k, props![k]!])) : h('p', { class: 'muted' }, 'None.'));
}

export function fields(rows: Array<[string, Child]>): HTMLElement {
  return h('table', { class: 'fields' }, h('tbody', {}, rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
}

export function button(label: string, run: () => Promise<unknown>, danger = false): HTMLElement {
  return h('button', { type: 'button', class: danger ? 'danger' : '', onclick: () => { void run().catch(showError); } }, label);
}

/** A delete button: once the object is deleted its page leaves for `to`, the answer kept. */
export function deleteButton(label: string, remove: () => Promise<boolean>, to: string): HTMLElement {
  return button(label, async () => {
    if (!await remove()) return;
    carryMessagesOver();
    location.hash = to;
  }, true);
}

/** A small table: column headers, then rows whose first cell is the row header. */
export function grid(columns: string[], rows: Child[][]): HTMLElement {
  if (!rows.length) return h('p', { class: 'muted' }, 'None.');
  return h('table', {}, h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map(([first, ...rest]) => h('tr', {}, h('th', { scope: 'row' }, first), rest.map((c) => h('td', {}, c))))));
}

const pages = new Map<string, { names: number; load: PageLoader }>();

/** Registers the detail page of `kind`, reached with `names` path parts (detail-pages.ts). */
export function register(kind: string, names: number, load: PageLoader): void { pages.set(kind, { names, load }); }

export function hasDetail(kind: string, names: number): boolean { return pages.get(kind)?.names === names; }

export function detail(kind: string, names: string[]): { el: HTMLElement; refresh(): Promise<void> } {
  const el = h('div', {});
  let drawn: unknown[] | undefined;
  return {
    el,
    refresh: async () => {
      const page = await pages.get(kind)!.load(names);
      if (unchanged(drawn, page.inputs)) return;
      drawn = page.inputs;
      swapIfChanged(el, page.draw());
    },
  };
}

/**
 * A list page: server-side pages through the REST API's `limit`/`offset` (so 10,000 resources
 * never travel at once), with a filter and column sorting over the page shown. Refreshing
 * (the poller, an action) re-reads the current page and redraws only the table body, so the
 * filter field keeps focus and what the user typed.
 */
import { type Child, fill, h, uid } from './dom.js';
import { unchanged } from './api.js';
import { showError } from './messages.js';

export interface Column<T> {
  label: string;
  value: (row: T) => string | number | undefined;
  render?: (row: T) => Child;
}

export interface Action { label: string; run: () => Promise<unknown> | void; danger?: boolean }

export interface ListSpec<T> {
  title: string;
  /** One page from the REST API. */
  fetch: (limit: number, offset: number) => Promise<T[]>;
  /** The list's total when the API has a count (`/v1/stats/...`). */
  total?: () => Promise<number | undefined>;
  columns: Column<T>[];
  /** The object's name as a user reads it (row header, action labels). */
  name: (row: T) => string;
  /** Hash of the detail page, if there is one. */
  link?: (row: T) => string;
  rowActions?: (row: T) => Action[];
  actions?: Action[];
}

const PAGE_SIZES = [25, 100, 500];

export interface ListView { el: HTMLElement; refresh(): Promise<void> }

export function listView<T>(spec: ListSpec<T>): ListView {
  let limit = PAGE_SIZES[0]!;
  let offset = 0;
  let rows: T[] = [];
  let total: number | undefined;
  let sortCol = 0;
  let sortDir: 1 | -1 = 1;
  let filter = '';
  /** The page and total the table shows (a poll answered 304 gives back the same objects). */
  let drawn: unknown[] | undefined;

  const tbody = h('tbody', {});
  const summary = h('span', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', onclick: () => { offset = Math.max(0, offset - limit); void refresh().catch(showError); } }, 'Previous page');
  const next = h('button', { type: 'button', onclick: () => { offset += limit; void refresh().catch(showError); } }, 'Next page');
  const filterId = uid('filter');
  const sizeId = uid('size');
  const filterInput = h('input', { id: filterId, type: 'search', placeholder: 'name, node, state…', oninput: (e: Event) => { filter = (e.target as HTMLInputElement).value.toLowerCase(); draw(); } });
  const sizeSelect = h('select', { id: sizeId, onchange: (e: Event) => { limit = Number((e.target as HTMLSelectElement).value); offset = 0; void refresh().catch(showError); } },
    PAGE_SIZES.map((n) => h('option', { value: n }, n)));
  const headers = spec.columns.map((c, i) => {
    const btn = h('button', { type: 'button', onclick: () => { sortDir = sortCol === i ? (-sortDir as 1 | -1) : 1; sortCol = i; draw(); } }, c.label);
    return h('th', { scope: 'col' }, btn);
  });
  const hasActions = !!spec.rowActions;
  const table = h('table', {},
    h('caption', { class: 'sr-only' }, spec.title),
    h('thead', {}, h('tr', {}, headers, hasActions ? h('th', { scope: 'col' }, 'Actions') : null)),
    tbody);

  function cmp(a: T, b: T): number {
    const va = spec.columns[sortCol]!.value(a);
    const vb = spec.columns[sortCol]!.value(b);
    if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * sortDir;
    return String(va ?? '').localeCompare(String(vb ?? ''), undefined, { numeric: true }) * sortDir;
  }

  function draw(): void {
    headers.forEach((th, i) => th.setAttribute('aria-sort', i === sortCol ? (sortDir === 1 ? 'ascending' : 'descending') : 'none'));
    const shown = rows.filter((r) => !filter || spec.columns.some((c) => String(c.value(r) ?? '').toLowerCase().includes(filter))).sort(cmp);
    fill(tbody, shown.length ? shown.map((r) => h('tr', { 'data-name': spec.name(r) },
      spec.columns.map((c, i) => {
        const content = c.render ? c.render(r) : String(c.value(r) ?? '');
        if (i !== 0) return h('td', {}, content);
        return h('th', { scope: 'row' }, spec.link ? h('a', { href: spec.link(r) }, content) : content);
      }),
      hasActions ? h('td', {}, h('div', { class: 'actions' }, spec.rowActions!(r).map((a) => h('button', {
        type: 'button', class: a.danger ? 'danger' : '', 'aria-label': `${a.label} ${spec.name(r)}`,
        onclick: () => { void Promise.resolve(a.run()).catch(showError); },
      }, a.label)))) : null)) : h('tr', {}, h('td', { colspan: spec.columns.length + (hasActions ? 1 : 0), class: 'muted' }, rows.length ? 'Nothing on this page matches the filter.' : 'None.')));
    const end = offset + rows.length;
    summary.textContent = rows.length ? `${offset + 1}–${end}${total !== undefined ? ` of ${total}` : ''}${filter ? ` (${shown.length} match the filter)` : ''}` : (total !== undefined ? `0 of ${total}` : '');
    prev.disabled = offset === 0;
    next.disabled = rows.length < limit || (total !== undefined && end >= total);
  }

  async function refresh(): Promise<void> {
    [rows, total] = await Promise.all([spec.fetch(limit, offset), spec.total ? spec.total().catch(() => undefined) : Promise.resolve(undefined)]);
    // The last page emptied (deletes): step back to one that has rows.
    if (!rows.length && offset > 0) { offset = Math.max(0, offset - limit); rows = await spec.fetch(limit, offset); }
    if (unchanged(drawn, [rows, total])) return;
    drawn = [rows, total];
    draw();
  }

  const el = h('section', { 'aria-label': spec.title },
    h('div', { class: 'toolbar' },
      h('label', { for: filterId }, 'Filter this page', filterInput),
      h('label', { for: sizeId }, 'Rows per page', sizeSelect),
      (spec.actions ?? []).map((a) => h('button', { type: 'button', class: 'primary', onclick: () => { void Promise.resolve(a.run()).catch(showError); } }, a.label))),
    table,
    h('div', { class: 'pager' }, prev, next, summary));
  draw();
  return { el, refresh };
}

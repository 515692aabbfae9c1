/**
 * A tiny element builder. Text always goes in as text nodes (never as HTML), so a name a
 * user or satellite chose cannot inject markup.
 */
export type Child = Node | string | number | null | undefined | false | Child[];
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
/** A unique id for label/field pairs. */
export const uid = (p: string): string => `${p}-${++ids}`;

/**
 * Replaces an element's content only when the new content differs, so a poll that finds
 * nothing new leaves focus and scroll position alone.
 */
export function swapIfChanged(el: Element, children: Child[]): void {
  const next = document.createElement('div');
  append(next, children);
  if (next.innerHTML === el.innerHTML) return;
  el.replaceChildren(...next.childNodes);
}

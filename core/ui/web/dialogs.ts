/**
 * Modal dialogs on the native <dialog> element: focus moves into it, Escape cancels, and the
 * page behind is inert — keyboard users get all of that from the browser.
 */
import { h, uid } from './dom.js';

export interface Field {
  name: string;
  label: string;
  type?: 'text' | 'number' | 'select' | 'password';
  options?: string[];
  value?: string;
  required?: boolean;
  hint?: string;
  pattern?: string;
}

function open(dialog: HTMLDialogElement): void {
  document.body.appendChild(dialog);
  dialog.showModal();
}

/** Asks for a yes/no; resolves true only on the confirm button. */
export function confirmAction(title: string, text: string, confirmLabel: string, danger = false): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const dialog = h('dialog', { 'aria-labelledby': titleId, class: 'confirm' });
    const done = (v: boolean) => { dialog.close(); dialog.remove(); resolve(v); };
    dialog.append(
      h('h2', { id: titleId }, title),
      h('p', {}, text),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', onclick: () => done(false) }, 'Cancel'),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', 'data-confirm': '', onclick: () => done(true) }, confirmLabel)));
    dialog.addEventListener('cancel', () => done(false));
    open(dialog);
  });
}

/** A form in a dialog; resolves with the values, or undefined when cancelled. */
export function formDialog(title: string, fields: Field[], submitLabel: string): Promise<Record<string, string> | undefined> {
  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const dialog = h('dialog', { 'aria-labelledby': titleId });
    const done = (v: Record<string, string> | undefined) => { dialog.close(); dialog.remove(); resolve(v); };
    const inputs = fields.map((f) => {
      const id = uid(`f-${f.name}`);
      const hintId = f.hint ? `${id}-hint` : undefined;
      const control = f.type === 'select'
        ? h('select', { id, name: f.name, 'aria-describedby': hintId }, (f.options ?? []).map((o) => h('option', { value: o, selected: o === f.value }, o)))
        : h('input', { id, name: f.name, type: f.type ?? 'text', value: f.value ?? '', required: f.required, pattern: f.pattern, 'aria-describedby': hintId, autocomplete: 'off' });
      return { f, control, label: h('label', { for: id }, f.label, control, f.hint ? h('span', { id: hintId, class: 'muted' }, f.hint) : null) };
    });
    const form = h('form', { method: 'dialog' },
      h('h2', { id: titleId }, title),
      inputs.map((i) => i.label),
      h('div', { class: 'buttons' },
        h('button', { type: 'button', onclick: () => done(undefined) }, 'Cancel'),
        h('button', { type: 'submit', class: 'primary' }, submitLabel)));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      done(Object.fromEntries(inputs.map((i) => [i.f.name, (i.control as HTMLInputElement | HTMLSelectElement).value.trim()])));
    });
    dialog.addEventListener('cancel', () => done(undefined));
    dialog.append(form);
    open(dialog);
  });
}

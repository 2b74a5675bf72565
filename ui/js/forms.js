/**
 * Forms that write through the API. Each field has a label and an error slot beside it; the
 * API's error body names the field (`error.field`), and its message is shown there (or above
 * the form when the field is not one of the form's). Without a token where one is needed the
 * form is disabled: the pages are read-only.
 */
import { canWrite, onAuthChange } from './auth.js';
import { h } from './dom.js';

let uid = 0;

/** fields: [{name, label, placeholder?, options?: [[value, text]], optional?}] */
export function apiForm({ id, title, fields, submit, onDone }) {
  const n = ++uid;
  const inputs = new Map();
  const errors = new Map();
  const formError = h('p', { class: 'form-error', role: 'alert', id: `${id}-error` });
  const rows = fields.map((f) => {
    const inputId = `${id}-${f.name}`;
    const errId = `${inputId}-error`;
    const input = f.options
      ? h('select', { id: inputId, name: f.name, 'aria-describedby': errId }, f.options.map(([v, t]) => h('option', { value: v }, t)))
      : h('input', { id: inputId, name: f.name, placeholder: f.placeholder ?? '', 'aria-describedby': errId, autocomplete: 'off' });
    const err = h('span', { class: 'error', id: errId, 'data-field': f.name });
    inputs.set(f.name, input);
    errors.set(f.name, err);
    return h('div', { class: 'field' }, h('label', { for: inputId }, f.label + (f.optional ? ' (optional)' : '')), input, err);
  });
  const button = h('button', { type: 'submit' }, title);
  const note = h('p', { class: 'readonly' });
  const form = h('form', { class: 'inline panel', id, 'aria-label': title, 'data-n': n }, ...rows, h('div', { class: 'field' }, h('span', {}, '\u00a0'), button), formError, note);

  const clearErrors = () => {
    formError.textContent = '';
    for (const [name, e] of errors) { e.textContent = ''; inputs.get(name).removeAttribute('aria-invalid'); }
  };
  const renderAuth = () => {
    const ok = canWrite();
    button.disabled = !ok;
    for (const i of inputs.values()) i.disabled = !ok;
    note.textContent = ok ? '' : 'Read-only: sign in with the REST token to make changes.';
  };
  onAuthChange(renderAuth);
  renderAuth();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors();
    const values = {};
    for (const [name, i] of inputs) if (i.value.trim() !== '') values[name] = i.value.trim();
    button.disabled = true;
    try {
      await submit(values);
      for (const i of inputs.values()) if (i.tagName === 'INPUT') i.value = '';
      await onDone?.();
    } catch (e) {
      showError(e);
    } finally {
      renderAuth();
    }
  });

  function showError(e) {
    // The API names nested fields too (`rules[0].inside`, `match.eth_dst`): use the first part we know.
    const name = e.field ? [...inputs.keys()].find((k) => e.field === k || e.field.startsWith(`${k}.`) || e.field.startsWith(`${k}[`)) : undefined;
    if (name) {
      errors.get(name).textContent = e.message;
      inputs.get(name).setAttribute('aria-invalid', 'true');
      inputs.get(name).focus();
    } else formError.textContent = e.message;
  }
  return { el: form, showError };
}

/** A delete button for a table row; the API's error (if any) goes to `onError`. */
export function deleteButton(label, run, onError) {
  const b = h('button', { type: 'button', class: 'secondary', 'aria-label': label, disabled: !canWrite() }, 'Delete');
  b.addEventListener('click', async () => {
    b.disabled = true;
    try { await run(); } catch (e) { onError(e); b.disabled = false; }
  });
  return b;
}

/**
 * A table with sortable columns (header buttons, keyboard-usable, aria-sort kept) and a row
 * filter. columns: [{key, label, num?, value(row) -> sort value, cell(row) -> node|string}].
 */
import { clear, h } from './dom.js';

export function sortableTable({ id, caption, columns, rows, groupBy, filter = '' }) {
  let sortKey = columns[0].key;
  let dir = 1;
  const table = h('table', { id });
  const render = () => {
    const col = columns.find((c) => c.key === sortKey);
    const q = filter.toLowerCase();
    const shown = rows.filter((r) => !q || columns.some((c) => String(c.value(r)).toLowerCase().includes(q)));
    shown.sort((a, b) => {
      const x = col.value(a), y = col.value(b);
      return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en', { numeric: true })) * dir;
    });
    const head = h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : undefined, scope: 'col', 'aria-sort': c.key === sortKey ? (dir > 0 ? 'ascending' : 'descending') : 'none' },
      h('button', { type: 'button', class: 'sort', onclick: () => { dir = c.key === sortKey ? -dir : 1; sortKey = c.key; render(); } }, c.label, c.key === sortKey ? (dir > 0 ? ' ▲' : ' ▼') : ''))));
    const body = [];
    if (groupBy) {
      const groups = new Map();
      for (const r of shown) { const g = groupBy(r); if (!groups.has(g)) groups.set(g, []); groups.get(g).push(r); }
      for (const [g, rs] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        body.push(h('tbody', { 'data-group': g }, h('tr', {}, h('th', { colspan: columns.length, scope: 'rowgroup' }, `${g} (${rs.length})`)), rs.map(row)));
      }
    } else body.push(h('tbody', {}, shown.map(row)));
    clear(table).append(caption ? h('caption', {}, caption) : '', h('thead', {}, head), ...body);
  };
  const row = (r) => h('tr', {}, columns.map((c) => h('td', { class: c.num ? 'num' : undefined }, c.cell ? c.cell(r) : String(c.value(r)))));
  render();
  return {
    el: table,
    setRows(r) { rows = r; render(); },
    setFilter(f) { filter = f; render(); },
  };
}

/** A tiny element builder: h('td', {class: 'num'}, 'text', child). Text is never parsed as HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const clear = (el) => { el.replaceChildren(); return el; };

/** Numbers with thousands separators; rates with one decimal below 100. */
export function fmtNum(n) {
  if (n === undefined || n === null || Number.isNaN(n)) return '';
  return Math.abs(n) < 100 && !Number.isInteger(n) ? n.toFixed(1) : Math.round(n).toLocaleString('en');
}

export function fmtBits(bps) {
  if (!bps) return '0 bit/s';
  const u = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let i = 0;
  while (bps >= 1000 && i < u.length - 1) { bps /= 1000; i++; }
  return `${bps.toFixed(bps < 10 ? 1 : 0)} ${u[i]}`;
}

/** A short dpid for labels: leading zeros dropped (0000000000000001 -> 1). */
export const shortDpid = (dpid) => dpid.replace(/^0+(?=.)/, '');

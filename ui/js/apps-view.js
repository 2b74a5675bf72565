/**
 * Apps: the loaded apps with their counters, and pages for apps that have one. A page is a
 * function (root) -> cleanup registered in APP_PAGES by app name; routing, nat, dhcp and overlay
 * are here, later apps add theirs the same way.
 */
import { api, enc, get } from './api.js';
import { onAuthChange } from './auth.js';
import { clear, h } from './dom.js';
import { apiForm, deleteButton } from './forms.js';

export const APP_PAGES = new Map();

function simpleTable(id, headers, rows) {
  return h('table', { id }, h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))));
}

export function appsView(root, { name }) {
  if (name && APP_PAGES.has(name)) return APP_PAGES.get(name)(root);
  const box = h('div', {});
  clear(root).append(h('h1', {}, name ? `App ${name}` : 'Apps'), box);
  get('/api/v1/apps').then((apps) => {
    const shown = name ? apps.filter((a) => a.name === name) : apps;
    box.append(simpleTable('apps', ['App', 'Id', 'Cookie base', 'Counters'], shown.map((a) => [
      APP_PAGES.has(a.name) ? h('a', { href: `#/apps/${a.name}` }, a.name) : a.name,
      String(a.appId), h('code', {}, a.cookieBase),
      h('code', {}, Object.entries(a.stats ?? {}).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ')),
    ])));
  }).catch((e) => box.append(h('p', { class: 'form-error' }, e.message)));
  return () => {};
}

/** A page section that reloads its table after every change; errors of row deletes show above it. */
function section(id, title, load) {
  const body = h('div', { id: `${id}-body` });
  const err = h('p', { class: 'form-error', role: 'alert', id: `${id}-delete-error` });
  const el = h('section', { 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), err, body);
  const reload = async () => {
    try { clear(body).append(await load((e) => { err.textContent = e.message; }, reload)); err.textContent = ''; } catch (e) { err.textContent = e.message; }
  };
  onAuthChange(() => { if (el.isConnected) reload(); });
  return { el, reload };
}

/** An interface body from the form's strings: IPv6 "a/64, b/64" as a list, MTU as a number, RA on/off. */
function interfaceBody(v) {
  const body = { ...v };
  if (v.ipv6 !== undefined) body.ipv6 = v.ipv6.split(',').map((x) => x.trim()).filter(Boolean);
  if (v.mtu !== undefined) body.mtu = Number(v.mtu);
  delete body.ra;
  if (v.ra === 'off') body.ra = { enabled: false };
  return body;
}

/** "on, every 30 s" for an interface with IPv6, '' without. */
const raText = (i) => (i.ra ? (i.ra.enabled ? `on, every ${i.ra.intervalSec} s` : 'off') : '');

APP_PAGES.set('routing', (root) => {
  const base = '/api/v1/apps/routing';
  const ifaces = section('interfaces', 'Interfaces', async (onErr, reload) => simpleTable('interfaces-table', ['Address', 'Network', 'IPv6', 'Link-local', 'MTU', 'RA', 'MAC', ''],
    (await get(`${base}/interfaces`)).map((i) => [i.address, i.network, (i.ipv6 ?? []).join(', '), i.linkLocal ?? '', i.mtu === undefined ? '' : String(i.mtu), raText(i), i.mac,
      deleteButton(`Delete interface ${i.ip}`, async () => { await api('DELETE', `${base}/interfaces/${enc(i.ip)}`); await reload(); }, onErr)])));
  const routes = section('routes', 'Routes', async (onErr, reload) => simpleTable('routes-table', ['Prefix', 'Family', 'Type', 'State', 'Next hop', 'Interface', ''],
    (await get(`${base}/routes`)).map((r) => [r.prefix, r.prefix.includes(':') ? 'IPv6' : 'IPv4', r.type, r.state ?? '', r.nextHop ?? '', r.interface ?? '',
      r.type === 'static' ? deleteButton(`Delete route ${r.prefix}`, async () => { await api('DELETE', `${base}/routes/${r.prefix.split('/').map(enc).join('/')}`); await reload(); }, onErr) : ''])));
  const neigh = section('neighbors', 'Neighbours', async () => simpleTable('neighbors-table', ['IP', 'Family', 'MAC', 'Switch', 'Port', 'Last seen'],
    (await get(`${base}/neighbors`)).map((n) => [n.ip, n.ip.includes(':') ? 'IPv6' : 'IPv4', n.mac, n.dpid, String(n.port), n.lastSeen ? new Date(n.lastSeen).toLocaleTimeString() : ''])));
  const ifForm = apiForm({
    id: 'add-interface', title: 'Add interface',
    fields: [
      { name: 'address', label: 'Address (CIDR)', placeholder: '10.0.1.1/24' },
      { name: 'ipv6', label: 'IPv6 (CIDR, comma-separated)', placeholder: '2001:db8:1::1/64', optional: true },
      { name: 'mtu', label: 'IPv6 MTU', placeholder: '1500', optional: true },
      { name: 'ra', label: 'Router advertisements', options: [['on', 'on'], ['off', 'off']] },
      { name: 'mac', label: 'MAC', optional: true },
    ],
    submit: (v) => api('POST', `${base}/interfaces`, interfaceBody(v)), onDone: () => Promise.all([ifaces.reload(), routes.reload()]),
  });
  const rtForm = apiForm({ id: 'add-route', title: 'Add route', fields: [{ name: 'prefix', label: 'Prefix', placeholder: '10.0.9.0/24 or 2001:db8:9::/48' }, { name: 'nextHop', label: 'Next hop', placeholder: '10.0.3.2 or 2001:db8:3::2' }],
    submit: (v) => api('POST', `${base}/routes`, v), onDone: () => routes.reload() });
  clear(root).append(h('h1', {}, 'Routing'), ifaces.el, ifForm.el, routes.el, rtForm.el, neigh.el);
  ifaces.reload(); routes.reload(); neigh.reload();
  const timer = setInterval(() => neigh.reload(), 5000);
  return () => clearInterval(timer);
});

APP_PAGES.set('nat', (root) => {
  const base = '/api/v1/apps/nat';
  const rules = section('nat-rules', 'Rules', async (onErr, reload) => simpleTable('nat-rules-table', ['Id', 'Type', 'Protocol', 'Inside', 'Outside', ''],
    (await get(`${base}/rules`)).map((r) => [r.id, r.type, r.protocol ?? '', r.inside, r.outside, deleteButton(`Delete NAT rule ${r.id}`, async () => { await api('DELETE', `${base}/rules/${enc(r.id)}`); await reload(); }, onErr)])));
  const sessions = section('nat-sessions', 'Sessions', async () => {
    const s = await get(`${base}/sessions`);
    return h('div', {}, h('p', {}, `Backend ${s.backend}, ${s.sessions.length} sessions.`), simpleTable('nat-sessions-table', ['Id', 'Protocol', 'Switch', 'Inside', 'Outside', 'Remote', 'Age (s)'],
      s.sessions.map((x) => [String(x.id), x.protocol, x.dpid, x.inside, x.outside, x.remote, String(Math.round(x.ageMs / 1000))])));
  });
  const form = apiForm({
    id: 'add-nat-rule', title: 'Add rule',
    fields: [
      { name: 'type', label: 'Type', options: [['masquerade', 'masquerade'], ['static', 'static'], ['forward', 'forward']] },
      { name: 'protocol', label: 'Protocol (forward)', options: [['', '-'], ['tcp', 'tcp'], ['udp', 'udp']] },
      { name: 'inside', label: 'Inside', placeholder: '192.168.1.0/24' },
      { name: 'outside', label: 'Outside', placeholder: '203.0.113.100' },
    ],
    submit: (v) => api('POST', `${base}/rules`, v), onDone: () => rules.reload(),
  });
  clear(root).append(h('h1', {}, 'NAT'), rules.el, form.el, sessions.el);
  rules.reload(); sessions.reload();
  const timer = setInterval(() => sessions.reload(), 5000);
  return () => clearInterval(timer);
});

/** A DHCP pool from the form's strings: range "first-last", lease seconds, DNS "a,b". */
function poolBody(v) {
  const body = { ...v };
  if (v.range !== undefined) body.range = v.range.split('-').map((x) => x.trim());
  if (v.leaseSec !== undefined) body.leaseSec = Number(v.leaseSec);
  if (v.dns !== undefined) body.dns = v.dns.split(',').map((x) => x.trim()).filter(Boolean);
  return body;
}

APP_PAGES.set('dhcp', (root) => {
  const base = '/api/v1/apps/dhcp';
  const pools = section('dhcp-pools', 'Pools', async (onErr, reload) => simpleTable('dhcp-pools-table', ['Subnet', 'Server', 'Range', 'Lease (s)', 'Router', 'Bound', 'Offered', 'Size', ''],
    (await get(`${base}/pools`)).map((p) => [p.id, p.serverIp, p.range.join(' - '), String(p.leaseSec), p.router ?? '', String(p.bound), String(p.offered), String(p.size),
      deleteButton(`Delete pool ${p.id}`, async () => { await api('DELETE', `${base}/pools/${p.id.split('/').map(enc).join('/')}`); await reload(); }, onErr)])));
  const leases = section('dhcp-leases', 'Leases', async (onErr, reload) => simpleTable('dhcp-leases-table', ['IP', 'MAC', 'Pool', 'State', 'Remaining (s)', 'Hostname', ''],
    (await get(`${base}/leases`)).map((l) => [l.ip, l.mac, l.pool, l.state, String(l.remainingSec), l.hostname ?? '',
      deleteButton(`Delete lease ${l.ip}`, async () => { await api('DELETE', `${base}/leases/${enc(l.ip)}`); await reload(); }, onErr)])));
  const form = apiForm({
    id: 'add-dhcp-pool', title: 'Add pool',
    fields: [
      { name: 'interface', label: 'Routing interface', placeholder: '10.0.1.1', optional: true },
      { name: 'subnet', label: 'Or flat subnet', placeholder: '192.168.50.0/24', optional: true },
      { name: 'serverIp', label: 'Server address (flat)', placeholder: '192.168.50.1', optional: true },
      { name: 'range', label: 'Range', placeholder: '10.0.1.100-10.0.1.199', optional: true },
      { name: 'leaseSec', label: 'Lease (s)', placeholder: '3600', optional: true },
      { name: 'dns', label: 'DNS servers', placeholder: '10.0.1.53,10.0.1.54', optional: true },
    ],
    submit: (v) => api('POST', `${base}/pools`, poolBody(v)), onDone: () => pools.reload(),
  });
  clear(root).append(h('h1', {}, 'DHCP'), pools.el, form.el, leases.el);
  pools.reload(); leases.reload();
  const timer = setInterval(() => { pools.reload(); leases.reload(); }, 5000);
  return () => clearInterval(timer);
});

APP_PAGES.set('overlay', (root) => {
  const base = '/api/v1/apps/overlay';
  const config = section('overlay-config', 'Configuration', async () => {
    const c = await get(`${base}/config`);
    return simpleTable('overlay-config-table', ['Mode', 'Cluster range', 'Host subnets', 'VNI', 'Table', 'Tunnel port', 'Uplink port'],
      [[c.mode, c.clusterCidr, `/${c.subnetPrefix}`, String(c.vni), String(c.table), c.tunnelPort ?? '', c.uplinkPort ?? '']]);
  });
  const hosts = section('overlay-hosts', 'Hosts', async (onErr, reload) => simpleTable('overlay-hosts-table', ['Name', 'Bridge (dpid)', 'Underlay', 'Subnet', 'Gateway', 'Gateway MAC', 'Connected', 'Workloads', ''],
    (await get(`${base}/hosts`)).map((x) => [x.name, x.dpid, x.underlay, x.subnet, x.gateway, x.gatewayMac, x.connected ? 'yes' : 'no',
      x.pods.length === 0 ? '' : h('code', {}, x.pods.map((p) => `${p.ip} ${p.mac} port ${p.port}`).join('; ')),
      deleteButton(`Delete overlay host ${x.name}`, async () => { await api('DELETE', `${base}/hosts/${enc(x.name)}`); await reload(); }, onErr)])));
  const form = apiForm({
    id: 'add-overlay-host', title: 'Add host',
    fields: [
      { name: 'name', label: 'Name', placeholder: 'node-1' },
      { name: 'dpid', label: 'Bridge datapath id', placeholder: '0000000000000001' },
      { name: 'underlay', label: 'Underlay address', placeholder: '172.31.0.1' },
      { name: 'subnet', label: 'Subnet', placeholder: '10.244.3.0/24', optional: true },
    ],
    submit: (v) => api('POST', `${base}/hosts`, v), onDone: () => hosts.reload(),
  });
  clear(root).append(h('h1', {}, 'Overlay'), config.el, hosts.el, form.el);
  config.reload(); hosts.reload();
  const timer = setInterval(() => hosts.reload(), 5000);
  return () => clearInterval(timer);
});

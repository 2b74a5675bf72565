/**
 * The routing page's IPv6 side in a real browser, against weft with a REST token: a dual-stack
 * interface added through the form (IPv6 prefixes, MTU) shows its IPv6 addresses, link-local
 * address, MTU and advertisement setting, a link-local address is refused beside the IPv6
 * field, an IPv6 route is listed as such and deleted, and the neighbours table has a family.
 */
import t from 'tap';
import { json, openAppPage, text, until } from './rig.js';

const TOKEN = 's3cret-routing6-token';

t.test('routing page: dual-stack interfaces and IPv6 routes through the forms', async (t) => {
  const { rig, b, errors } = await openAppPage(t, { app: 'routing', apps: ['table-miss', 'topology', 'routing'], token: TOKEN, form: '#add-interface' });
  await until(async () => /192\.168\.1\.1\/24/.test(await text(b.page, '#interfaces-table')), 3000, 'the configured interfaces');
  t.equal(await b.page.locator('#neighbors-table thead th', { hasText: 'Family' }).count(), 1, 'neighbours have a family column');

  await b.page.fill('#add-interface-address', '10.0.7.1/24');
  await b.page.fill('#add-interface-ipv6', 'fe80::1/64');
  await b.page.click('#add-interface button[type=submit]');
  await until(async () => (await text(b.page, '#add-interface-ipv6-error')) !== '', 3000, 'an error beside the IPv6 field');
  t.match(await text(b.page, '#add-interface-ipv6-error'), /link-local/);

  await b.page.fill('#add-interface-ipv6', '2001:db8:7::1/64, fd00:7::1/64');
  await b.page.fill('#add-interface-mtu', '1400');
  await b.page.click('#add-interface button[type=submit]');
  await until(async () => /2001:db8:7::1\/64/.test(await text(b.page, '#interfaces-table')), 3000, 'the interface listed');
  const row = await b.page.locator('#interfaces-table tbody tr', { hasText: '10.0.7.1/24' }).textContent();
  t.match(row, /2001:db8:7::1\/64, fd00:7::1\/64/);
  t.match(row, /fe80::c00:aff:fe00:701/, 'the link-local address from the router MAC');
  t.match(row, /1400/);
  t.match(row, /on, every 30 s/);
  const ifs = await json<{ ip: string; ipv6?: string[]; mtu?: number }[]>(`${rig.base}/api/v1/apps/routing/interfaces`);
  t.same(ifs.find((i) => i.ip === '10.0.7.1'), { address: '10.0.7.1/24', ip: '10.0.7.1', network: '10.0.7.0/24', mac: '0e:00:0a:00:07:01', ipv6: ['2001:db8:7::1/64', 'fd00:7::1/64'], linkLocal: 'fe80::c00:aff:fe00:701', ra: { enabled: true, intervalSec: 30, validLifetimeSec: 86400, preferredLifetimeSec: 14400, routerLifetimeSec: 1800 }, mtu: 1400 });
  await until(async () => /2001:db8:7::\/64/.test(await text(b.page, '#routes-table')), 3000, 'the connected IPv6 prefix in the routes');

  await b.page.fill('#add-route-prefix', '2001:db8:9::/48');
  await b.page.fill('#add-route-nextHop', '2001:db8:7::2');
  await b.page.click('#add-route button[type=submit]');
  await until(async () => /2001:db8:9::\/48/.test(await text(b.page, '#routes-table')), 3000, 'the route listed');
  const rrow = await b.page.locator('#routes-table tbody tr', { hasText: '2001:db8:9::/48' }).textContent();
  t.match(rrow, /IPv6/);
  t.match(rrow, /static/);
  await b.page.click('button[aria-label="Delete route 2001:db8:9::/48"]');
  await until(async () => !/2001:db8:9::\/48/.test(await text(b.page, '#routes-table')), 3000, 'the route gone');
  t.notOk((await json<{ prefix: string }[]>(`${rig.base}/api/v1/apps/routing/routes`)).some((r) => r.prefix === '2001:db8:9::/48'), 'gone from REST');
  t.same(errors, [], 'no script errors in the page');
});

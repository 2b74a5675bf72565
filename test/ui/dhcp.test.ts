/**
 * The DHCP page in a real browser, against weft with apps topology, routing and dhcp and a REST
 * token: a pool added through the form (routing interface, range, lease) is listed on the page
 * and in REST, a bad range shows the API's message beside the range field, a pool is deleted,
 * the leases table is there.
 */
import t from 'tap';
import { json, openAppPage, text, until } from './rig.js';

const TOKEN = 's3cret-dhcp-token';

t.test('DHCP page: pools added, validated and deleted through the form', async (t) => {
  const { rig, b, errors } = await openAppPage(t, { app: 'dhcp', apps: ['table-miss', 'topology', 'routing', 'dhcp'], token: TOKEN, form: '#add-dhcp-pool' });
  t.equal(await b.page.locator('#dhcp-leases-table').count(), 1, 'the leases table');

  await b.page.fill('#add-dhcp-pool-interface', '192.168.1.1');
  await b.page.fill('#add-dhcp-pool-range', '192.168.1.100-192.168.1.150');
  await b.page.fill('#add-dhcp-pool-leaseSec', '600');
  await b.page.fill('#add-dhcp-pool-dns', '192.168.1.53');
  await b.page.click('#add-dhcp-pool button[type=submit]');
  await until(async () => /192\.168\.1\.0\/24/.test(await text(b.page, '#dhcp-pools-table')), 3000, 'the pool listed');
  t.match(await text(b.page, '#dhcp-pools-table'), /192\.168\.1\.100 - 192\.168\.1\.150/);
  const pools = await json<{ id: string; range: string[]; leaseSec: number; dns: string[]; router: string }[]>(`${rig.base}/api/v1/apps/dhcp/pools`);
  t.same(pools.map((p) => [p.id, p.range, p.leaseSec, p.dns, p.router]), [['192.168.1.0/24', ['192.168.1.100', '192.168.1.150'], 600, ['192.168.1.53'], '192.168.1.1']], 'in REST');

  await b.page.fill('#add-dhcp-pool-interface', '203.0.113.100');
  await b.page.fill('#add-dhcp-pool-range', '203.0.113.150-203.0.113.100');
  await b.page.click('#add-dhcp-pool button[type=submit]');
  await until(async () => (await text(b.page, '#add-dhcp-pool-range-error')) !== '', 3000, 'an error beside the range');
  t.match(await text(b.page, '#add-dhcp-pool-range-error'), /ascending range/);
  t.equal((await json<unknown[]>(`${rig.base}/api/v1/apps/dhcp/pools`)).length, 1, 'nothing added');

  await b.page.click('button[aria-label="Delete pool 192.168.1.0/24"]');
  await until(async () => !/192\.168\.1\.0\/24/.test(await text(b.page, '#dhcp-pools-table')), 3000, 'the pool gone');
  t.same(await json<unknown[]>(`${rig.base}/api/v1/apps/dhcp/pools`), [], 'gone from REST');
  t.same(errors, [], 'no script errors in the page');
});

/**
 * The overlay page in a real browser, against weft with apps topology and overlay and a REST
 * token: the configuration is shown, a host added through the form (its bridge connected) is
 * listed with the subnet weft allocated, in the page and in REST, a bad underlay address shows
 * the API's message beside its field, and a host is deleted with its row's button.
 */
import t from 'tap';
import { dpidHex } from './fake-lan.js';
import { json, openAppPage, text, until } from './rig.js';

const TOKEN = 's3cret-overlay-token';

t.test('overlay page: configuration, hosts added, validated and deleted through the form', async (t) => {
  const { rig, b, errors } = await openAppPage(t, { app: 'overlay', apps: ['table-miss', 'topology', 'overlay'], token: TOKEN, form: '#add-overlay-host' });
  await until(async () => /vxlan/.test(await text(b.page, '#overlay-config-table')), 3000, 'the configuration shown');
  t.match(await text(b.page, '#overlay-config-table'), /10\.244\.0\.0\/16/);
  t.equal(await b.page.locator('#overlay-hosts-table tbody tr').count(), 0, 'no hosts yet');

  const dpid = dpidHex(0);
  await b.page.fill('#add-overlay-host-name', 'node-1');
  await b.page.fill('#add-overlay-host-dpid', dpid);
  await b.page.fill('#add-overlay-host-underlay', '172.31.0.1');
  await b.page.click('#add-overlay-host button[type=submit]');
  await until(async () => /node-1/.test(await text(b.page, '#overlay-hosts-table')), 3000, 'the host listed');
  const row = await text(b.page, '#overlay-hosts-table tbody tr');
  t.match(row, /172\.31\.0\.1/);
  t.match(row, /10\.244\.0\.0\/24/, 'the first free subnet');
  t.match(row, /yes/, 'its bridge is connected');
  const hosts = await json<{ name: string; dpid: string; underlay: string; subnet: string; connected: boolean }[]>(`${rig.base}/api/v1/apps/overlay/hosts`);
  t.same(hosts.map((h) => [h.name, h.dpid, h.underlay, h.subnet, h.connected]), [['node-1', dpid, '172.31.0.1', '10.244.0.0/24', true]], 'in REST');

  await b.page.fill('#add-overlay-host-name', 'node-2');
  await b.page.fill('#add-overlay-host-dpid', '00000000000000aa');
  await b.page.fill('#add-overlay-host-underlay', '172.31.0.300');
  await b.page.click('#add-overlay-host button[type=submit]');
  await until(async () => (await text(b.page, '#add-overlay-host-underlay-error')) !== '', 3000, 'an error beside the underlay');
  t.match(await text(b.page, '#add-overlay-host-underlay-error'), /expected an IPv4 address/);
  t.equal((await json<unknown[]>(`${rig.base}/api/v1/apps/overlay/hosts`)).length, 1, 'nothing added');

  await b.page.click('button[aria-label="Delete overlay host node-1"]');
  await until(async () => !/node-1/.test(await text(b.page, '#overlay-hosts-table')), 3000, 'the host gone');
  t.same(await json<unknown[]>(`${rig.base}/api/v1/apps/overlay/hosts`), [], 'gone from REST');
  t.same(errors, [], 'no script errors in the page');
});

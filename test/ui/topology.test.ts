/**
 * The web UI in a real browser (chromium + playwright-core) against weft with a ring of four
 * fake switches and four hosts: the topology page shows them, a port going down and a new
 * host show within a second, a dropped event stream resyncs from REST without a reload, the
 * path between two hosts is highlighted, and a switch page lists its flows grouped by owner.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { dpidHex } from './fake-lan.js';
import { js, json, openBrowser, ring, startUiRig, until, screenshotPath } from './rig.js';

const HOSTS = [0, 1, 2, 3].map((i) => ({ sw: i, port: 3, mac: `02:00:00:00:00:0${i + 1}`, ip: `192.168.1.${10 + i}` }));

const counts = (page: Page) => js<Record<string, number>>(page, `(() => {
  const el = document.getElementById('topo-counts');
  const cy = window.weftGraph?.cy;
  return {
    switches: Number(el?.dataset.switches), links: Number(el?.dataset.links), hosts: Number(el?.dataset.hosts),
    drawnSwitches: cy?.nodes('[kind="switch"]').length ?? 0, drawnLinks: cy?.edges('[kind="link"]').length ?? 0, drawnHosts: cy?.nodes('[kind="host"]').length ?? 0,
  };
})()`);

const edgeState = (page: Page, id: string) => js<string>(page, `(() => {
  const e = window.weftGraph.cy.getElementById(${JSON.stringify(id)});
  return e.empty() ? 'gone' : String(e.data('state'));
})()`);

t.test('topology, live changes, resync, path and a switch page', async (t) => {
  const rig = await startUiRig({ switches: 4, ports: 3, cables: ring(4) });
  t.teardown(() => rig.close());
  const b = await openBrowser();
  t.teardown(() => b.close());
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(e.message));
  for (const h of HOSTS.slice(0, 3)) rig.lan.announce(h);

  await until(async () => (await json<unknown[]>(`${rig.base}/api/v1/topology/links`)).length === 8, 10_000, 'weft discovers the 4 cables (8 directed links)');
  await until(async () => (await json<unknown[]>(`${rig.base}/api/v1/topology/hosts`)).length === 3, 5_000, 'weft learns 3 hosts');

  await b.page.goto(`${rig.base}/`);
  await until(async () => { const c = await counts(b.page); return c.drawnSwitches === 4 && c.drawnLinks === 4 && c.drawnHosts === 3; }, 10_000, 'the page draws 4 switches, 4 links, 3 hosts');
  t.match(await counts(b.page), { switches: 4, links: 4, hosts: 3 });
  t.match(await b.page.textContent('#topo-counts'), /4 switches, 4 links, 3 hosts/);
  t.equal(await b.page.textContent('#live'), 'live', 'the event stream is connected');

  await t.test('a new host shows within 1 s', async (t) => {
    const t0 = Date.now();
    rig.lan.announce(HOSTS[3]!);
    await until(async () => (await counts(b.page)).drawnHosts === 4, 1000, 'host 4 drawn');
    t.ok(Date.now() - t0 <= 1000, `shown after ${Date.now() - t0} ms`);
  });

  await t.test('a port going down shows on its link within 1 s', async (t) => {
    // Cable s0:1 - s1:2.
    const id = `c:${dpidHex(0)}:1|${dpidHex(1)}:2`;
    t.equal(await edgeState(b.page, id), 'up');
    const t0 = Date.now();
    rig.lan.portDown(0, 1);
    const state = await until(async () => { const s = await edgeState(b.page, id); return s !== 'up' ? s : ''; }, 1000, 'the link turns down or disappears');
    t.ok(['down', 'gone', 'partial'].includes(state), `link state ${state} after ${Date.now() - t0} ms`);
  });

  await t.test('a dropped event stream resyncs from REST without a reload', async (t) => {
    await js(b.page, 'window.marker = 42');
    const before = await js<number>(b.page, 'window.weft.resyncs');
    await js(b.page, 'window.weft.stream.hold()');
    await until(async () => (await b.page.textContent('#live')) === 'reconnecting…', 2000, 'the page shows it is disconnected');
    // While the page is away: a fifth switch connects and a host appears on it.
    await rig.lan.connect(4, 3);
    await until(async () => (await json<unknown[]>(`${rig.base}/api/v1/switches`)).length === 5, 5000, 'switch 5 up');
    rig.lan.announce({ sw: 4, port: 3, mac: '02:00:00:00:00:05', ip: '192.168.1.14' });
    await until(async () => (await json<unknown[]>(`${rig.base}/api/v1/topology/hosts`)).length === 5, 5000, 'host 5 learned');
    t.equal((await counts(b.page)).drawnSwitches, 4, 'nothing arrives while disconnected');
    await js(b.page, 'window.weft.stream.release()');
    await until(async () => { const c = await counts(b.page); return c.drawnSwitches === 5 && c.drawnHosts === 5; }, 3000, 'the page resyncs to 5 switches and 5 hosts');
    t.equal(await js(b.page, 'window.marker'), 42, 'no reload');
    t.equal(await js(b.page, 'window.weft.resyncs'), before + 1, 'one resync');
    t.equal(await b.page.textContent('#live'), 'live');
  });

  await t.test('the path between two hosts is highlighted', async (t) => {
    await b.page.selectOption('#path-src', HOSTS[1]!.mac);
    await b.page.selectOption('#path-dst', HOSTS[3]!.mac);
    await b.page.click('text=Show path');
    const api = await json<{ hops: { dpid: string }[]; links: unknown[] }>(`${rig.base}/api/v1/topology/path?src=${HOSTS[1]!.mac}&dst=${HOSTS[3]!.mac}`);
    await until(async () => (await b.page.locator('#path-hops li').count()) === api.hops.length, 3000, 'hops listed');
    const lit = await js<string[]>(b.page, `window.weftGraph.cy.elements('.path').map((e) => e.id())`);
    for (const hop of api.hops) t.ok(lit.includes(`s:${hop.dpid}`), `switch ${hop.dpid} highlighted`);
    t.ok(lit.includes(`h:${HOSTS[1]!.mac}`) && lit.includes(`h:${HOSTS[3]!.mac}`), 'both hosts highlighted');
    t.equal(lit.filter((id) => id.startsWith('c:')).length, api.links.length, 'every link of the path highlighted');
    await b.page.screenshot({ path: screenshotPath('ui-topology.png') });
  });

  await t.test('a switch page: ports, flows grouped by owner, foreign flows, groups, meters', async (t) => {
    const dpid = dpidHex(2);
    // A flow no app owns (cookie 0x2a is outside every app's range), added through REST.
    const add = await fetch(`${rig.base}/api/v1/switches/${dpid}/flows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ priority: 777, cookie: '0x2a', match: { eth_type: '0x800', ip_proto: 6, tcp_dst: 80 }, actions: [{ type: 'output', port: 2 }] }) });
    t.equal(add.status, 201);
    const flows = await json<unknown[]>(`${rig.base}/api/v1/switches/${dpid}/flows`);
    await b.page.goto(`${rig.base}/ui/#/switch/${dpid}`);
    await until(async () => (await b.page.locator('#flows tbody tr:not(:first-child)').count()) === flows.length, 5000, 'every flow listed');
    t.match(await b.page.textContent('#flows-msg'), new RegExp(`^${flows.length} flows, 1 foreign`));
    const foreign = b.page.locator('#flows tbody[data-group="foreign"]');
    t.match(await foreign.textContent(), /priority|tcp,tp_dst=80/);
    t.match(await foreign.textContent(), /output:2/);
    for (const app of ['topology', 'table-miss', 'routing', 'nat']) t.equal(await b.page.locator(`#flows tbody[data-group="app ${app}"]`).count(), 1, `a group for ${app}`);
    t.match(await b.page.textContent('#flows tbody[data-group="app topology"]'), /dl_type=0x88cc,dl_dst=01:80:c2:00:00:0e/);
    // Search narrows, sorting by priority puts the highest first.
    await b.page.fill('#flow-search', 'tp_dst=80');
    await until(async () => (await b.page.locator('#flows tbody tr:not(:first-child)').count()) === 1, 2000, 'search leaves one flow');
    await b.page.fill('#flow-search', '');
    await b.page.click('#flows th >> text=Priority');
    const first = await b.page.locator('#flows tbody[data-group="app topology"] tr:nth-child(2) td:nth-child(2)').textContent();
    t.equal(first, '65000');
    await until(async () => (await b.page.locator('#ports tbody tr').count()) === 3, 3000, '3 ports');
    await until(async () => /Mbit\/s/.test((await b.page.textContent('#ports')) ?? ''), 6000, 'port rates from two readings');
    t.match(await b.page.textContent('#groups'), /select.*bucket=weight:5,actions=output:2/s);
    t.match(await b.page.textContent('#meters'), /type=drop,rate=10000/);
    await b.page.screenshot({ path: screenshotPath('ui-switch.png'), fullPage: true });
  });

  t.same(errors, [], 'no script errors in the page');
});

/**
 * The UI of a cluster instance, in a real browser against a real 2-instance cluster (etcd, two
 * weft processes, Open vSwitch bridges; test/support/cluster-rig.ts): the header names the
 * instance, the Cluster page lists the instances and etcd's health and each switch's master and
 * this instance's role, as GET /api/v1/cluster says; the switch list and a switch's page show
 * them too (compared with the API at the same moment: mastership may still move while the two
 * settle). A single instance shows none of it.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { startClusterRig, until as untilRig } from '../support/cluster-rig.js';
import type { Instance } from '../support/cluster-rig.js';
import { js, openBrowser, startUiRig, until, screenshotPath } from './rig.js';

const text = async (page: Page, sel: string) => ((await page.textContent(sel)) ?? '').trim();
const rows = (page: Page, table: string) => js<string[][]>(page, `[...document.querySelectorAll('#${table} tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent.trim()))`);
const heads = (page: Page, table: string) => js<string[]>(page, `[...document.querySelectorAll('#${table} thead th')].map((th) => th.textContent.replace(/[▲▼]/g, '').trim())`);

t.test('a cluster instance shows instances, masters and its role', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 2 });
  t.teardown(() => rig.stop());
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);
  const oneEach = () =>
    untilRig(async () => {
      const s = await rig.status(a);
      return s.switches.length === 2 && s.switches.every((x) => x.master !== null) && new Set(s.switches.map((x) => x.master)).size === 2 ? s : undefined;
    }, 15_000, 'one switch mastered by each instance');
  let st = await oneEach();
  const br = await openBrowser();
  t.teardown(() => br.close());
  const errors: string[] = [];
  br.page.on('pageerror', (e) => errors.push(e.message));
  const base = `http://127.0.0.1:${a.restPort}`;

  await br.page.goto(`${base}/ui/#/cluster`);
  await until(async () => (await rows(br.page, 'cluster-switches')).length === 2 && (await rows(br.page, 'cluster-instances')).length === 2, 10_000, 'the cluster page filled');
  t.equal(await text(br.page, '#instance'), 'instance w0', 'the header names this instance');
  t.ok(await br.page.locator('[data-nav=cluster]').isVisible(), 'the Cluster link shows');
  t.match(await text(br.page, '#cluster-summary'), /This instance: w0, a member/);
  t.match(await text(br.page, '#cluster-etcd'), /^etcd healthy: version 3\.\d+\.\d+, revision \d+/);
  const inst = await rows(br.page, 'cluster-instances');
  t.same(inst.map((r) => r[0]).sort(), ['w0 (this instance)', 'w1']);
  t.same(inst.map((r) => r[5]), ['1', '1'], 'one switch mastered by each');
  t.match(inst.find((r) => r[0] === 'w1')![1], new RegExp(`:${b.restPort}$`), "w1's REST address");
  // Mastership may still move while the two settle (a switch that reconnects to one instance is
  // reassigned), so the page is compared with what GET /api/v1/cluster says at the same moment.
  const pageSwitches = await untilRig(async () => {
    const now = await rig.status(a);
    const sw = await rows(br.page, 'cluster-switches');
    const same = now.switches.length === 2 && now.switches.every((s) => {
      const r = sw.find((x) => x[0] === s.dpid);
      return r !== undefined && r[1] === s.master && r[2] === (s.master === 'w0' ? 'master' : 'slave');
    });
    return same ? { now, sw } : undefined;
  }, 10_000, 'the cluster page shows the masters GET /api/v1/cluster gives');
  st = pageSwitches.now;
  for (const s of st.switches) {
    const r = pageSwitches.sw.find((x) => x[0] === s.dpid)!;
    t.equal(r[1], s.master, `${s.dpid}: its master`);
    t.equal(r[2], s.master === 'w0' ? 'master' : 'slave', `${s.dpid}: this instance's role`);
    t.equal(r[4], 'w0, w1', 'connected to both');
  }
  await br.page.screenshot({ path: screenshotPath('ui-cluster.png'), fullPage: true });

  // The switch list: Master and Role here columns.
  await br.page.click('[data-nav=switches]');
  await until(async () => (await heads(br.page, 'switches')).includes('Master') && (await rows(br.page, 'switches')).length === 2, 10_000, 'the switch list with mastership');
  const hs = await heads(br.page, 'switches');
  const listed = await untilRig(async () => {
    const now = await rig.status(a);
    const list = await rows(br.page, 'switches');
    const same = now.switches.every((s) => list.find((x) => x[0] === s.dpid)?.[hs.indexOf('Master')] === s.master);
    return same ? { now, list } : undefined;
  }, 10_000, 'the switch list shows the masters GET /api/v1/cluster gives');
  st = listed.now;
  for (const s of st.switches) {
    const r = listed.list.find((x) => x[0] === s.dpid)!;
    t.equal(r[hs.indexOf('Master')], s.master);
    t.equal(r[hs.indexOf('Role here')], s.master === 'w0' ? 'master' : 'slave');
  }

  // A switch w1 masters: its page says so.
  st = await oneEach();
  const other = st.switches.find((s) => s.master === 'w1')!;
  await br.page.goto(`${base}/ui/#/switch/${other.dpid}`);
  await until(async () => /Master: w1/.test(await text(br.page, '#switch-mastership')), 10_000, 'the switch page names the master');
  t.match(await text(br.page, '#switch-mastership'), /Master: w1; this instance \(w0\): slave — writes made here are handed to w1\./);

  // Mastership moves: w1 leaves, the page follows within a poll.
  await br.page.goto(`${base}/ui/#/cluster`);
  await b.proc!.stop(5000);
  await until(async () => (await rows(br.page, 'cluster-switches')).every((r) => r[1] === 'w0' && r[2] === 'master') && (await rows(br.page, 'cluster-instances')).length === 1, 15_000, 'w0 masters both after w1 left');
  t.pass('the page follows a change of master');
  t.same(errors, [], 'no page errors');
});

t.test('a single instance shows no cluster', async (t) => {
  const rig = await startUiRig({ switches: 1, ports: 2, cables: [] });
  t.teardown(() => rig.close());
  const br = await openBrowser();
  t.teardown(() => br.close());
  await br.page.goto(`${rig.base}/ui/#/switches`);
  await until(async () => (await rows(br.page, 'switches')).length === 1, 10_000, 'the switch list');
  await new Promise((r) => setTimeout(r, 500));
  t.notOk((await heads(br.page, 'switches')).includes('Master'), 'no Master column');
  t.notOk(await br.page.locator('[data-nav=cluster]').isVisible(), 'no Cluster link');
  t.notOk(await br.page.locator('#instance').isVisible(), 'no instance badge');
});

/**
 * The web UI in real chromium against weft (a process with its default apps) controlling a real
 * Mininet ring,4 on a private Open vSwitch: after discovery the topology page draws 4 switches,
 * 4 links and the 4 hosts; taking the s1-s2 link down in Mininet makes that link disappear or
 * turn down in the page within 2 s. The scenario (mininet/scenarios/rest_topology.py) builds the
 * network, waits for discovery, pingalls and takes the link down on command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Page } from 'playwright-core';
import { requireRoot } from '../support/e2e.js';
import { requireMininet } from '../support/mininet.js';
import { startScenarioSession } from '../support/mininet-session.js';
import type { SessionMessage } from '../support/mininet-session.js';
import { startOvs } from '../support/ovs.js';
import { startWeftProcess } from '../support/weft-process.js';
import { js, openBrowser, until, screenshotPath } from './rig.js';

requireRoot();
requireMininet();

const LINK_DOWN_BUDGET_MS = 2000;

interface End { switch: string; dpid: string; port: number; name: string }
interface Ready extends SessionMessage {
  switches: { name: string; dpid: string }[];
  links: { a: End; b: End }[];
  hosts: { name: string; mac: string; ip: string }[];
}

const drawn = (page: Page) => js<{ switches: string[]; links: number; hosts: string[] }>(page, `(() => {
  const cy = window.weftGraph?.cy;
  if (!cy) return { switches: [], links: 0, hosts: [] };
  return {
    switches: cy.nodes('[kind="switch"]').map((n) => n.data('dpid')).sort(),
    links: cy.edges('[kind="link"]').length,
    hosts: cy.nodes('[kind="host"]').map((n) => n.data('mac')).sort(),
  };
})()`);

/** The drawn state of the link between two switches ('gone' when no edge joins them). */
const linkState = (page: Page, a: string, b: string) => js<string>(page, `(() => {
  const ends = [${JSON.stringify(`s:${a}`)}, ${JSON.stringify(`s:${b}`)}].sort().join('|');
  const e = window.weftGraph.cy.edges('[kind="link"]').filter((x) => [x.data('source'), x.data('target')].sort().join('|') === ends);
  return e.empty() ? 'gone' : String(e[0].data('state'));
})()`);

t.test('the topology page on a Mininet ring,4: switches, links, hosts, and a link going down', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-ui-mininet-'));
  const config = join(dir, 'weft.json');
  writeFileSync(config, JSON.stringify({ appOptions: { topology: { lldpIntervalMs: 1000 } } }));
  const ovs = await startOvs();
  let weft: Awaited<ReturnType<typeof startWeftProcess>> | undefined;
  let session: ReturnType<typeof startScenarioSession> | undefined;
  let browser: Awaited<ReturnType<typeof openBrowser>> | undefined;
  try {
    // The browser first: a missing chromium fails the test before any network is built.
    browser = await openBrowser();
    const page = browser.page;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    weft = await startWeftProcess({ args: ['--config', config] });
    const base = `http://127.0.0.1:${weft.restPort}`;
    // Generous budgets: the machine is shared; only the link-down change is timed tightly.
    session = startScenarioSession({ scenario: 'rest_topology', ovs, controller: { port: weft.openflowPort }, topo: 'ring,4', timeoutMs: 150_000, options: { rest: base, settle: '2.5', idle: '90' } });
    const p = session.prefix;
    const ready = (await session.next('ready', 100_000)) as Ready;
    t.equal(ready.switches.length, 4, 'Mininet built 4 switches');
    t.equal(ready.links.length, 4, 'and 4 switch-to-switch links');
    t.equal(ready.hosts.length, 4, 'and 4 hosts');

    await page.goto(`${base}/`, { timeout: 30_000 });
    const want = { switches: ready.switches.map((s) => s.dpid).sort(), links: 4, hosts: ready.hosts.map((h) => h.mac).sort() };
    await until(async () => JSON.stringify(await drawn(page)) === JSON.stringify(want), 20_000, 'the page draws the 4 Mininet switches, 4 links and 4 hosts').catch(async (e: Error) => {
      throw new Error(`${e.message}; drawn ${JSON.stringify(await drawn(page).catch(() => null))}, want ${JSON.stringify(want)}`);
    });
    t.same(await drawn(page), want, 'the drawn switches and hosts are the ones Mininet built (dpids, MACs)');
    t.match(await page.textContent('#topo-counts'), /4 switches, 4 links, 4 hosts/, 'the counts line says so');
    await until(async () => (await page.textContent('#live')) === 'live', 10_000, 'the event stream is connected');

    const s1 = ready.switches.find((s) => s.name === `${p}s1`)!.dpid;
    const s2 = ready.switches.find((s) => s.name === `${p}s2`)!.dpid;
    t.equal(await linkState(page, s1, s2), 'up', 'the s1-s2 link is drawn up');
    await page.screenshot({ path: screenshotPath('ui-mininet-ring.png') });

    // The clock starts when the scenario has taken both ends down (its reply), not when asked.
    const reply = await session.command('down s1 s2', 15_000);
    const down0 = Date.now();
    t.equal(reply.ok, true, `Mininet took ${p}s1-${p}s2 down (${JSON.stringify(reply.ends)}, ${String(reply.ms)} ms)`);
    const state = await until(async () => { const s = await linkState(page, s1, s2); return s !== 'up' ? s : ''; }, LINK_DOWN_BUDGET_MS, 'the s1-s2 link disappears or turns down in the page');
    const ms = Date.now() - down0;
    t.ok(['down', 'gone'].includes(state), `the link is ${state} in the page ${ms} ms after it went down`);
    t.ok(ms <= LINK_DOWN_BUDGET_MS, `within ${LINK_DOWN_BUDGET_MS} ms (${ms} ms)`);
    await page.screenshot({ path: screenshotPath('ui-mininet-ring-link-down.png') });
    const after = await drawn(page);
    t.same(after.switches, want.switches, 'every switch is still drawn');
    t.same(after.hosts, want.hosts, 'every host is still drawn');
    t.same(errors, [], 'no script errors in the page');
  } finally {
    await browser?.close().catch(() => undefined);
    if (session) {
      const run = await session.close();
      t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code ${run.code}\n${run.stderr.slice(-3000)}`);
      t.equal(run.result?.ok, true, `scenario checks: ${JSON.stringify(run.result?.checks)}`);
    }
    t.equal((await ovs.vsctl('list-br')).trim(), '', 'no bridge left in the private OVS');
    if (weft) {
      t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
      t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
    }
    await ovs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

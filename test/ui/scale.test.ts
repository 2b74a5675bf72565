/**
 * 1,000 switches (fake, over real TCP, cabled in a ring: 1,000 links) load and lay out in the
 * browser without blocking the page for a second or more at a time: every long task the
 * browser reports (PerformanceObserver 'longtask', registered before the page's own scripts)
 * must be shorter than 1 s. The load time, the layout time (in the worker) and the longest
 * task are printed as test comments.
 */
import t from 'tap';
import { js, json, openBrowser, ring, startUiRig, until, screenshotPath } from './rig.js';

const N = 1000;

t.test('1,000 switches load without a long task of 1 s', async (t) => {
  const rig = await startUiRig({ switches: N, ports: 2, cables: ring(N), apps: ['table-miss', 'topology'], lldpIntervalMs: 10_000 });
  t.teardown(() => rig.close());
  await until(async () => (await json<unknown[]>(`${rig.base}/api/v1/switches`)).length === N, 60_000, `${N} switches connected`);
  await until(async () => (await json<unknown[]>(`${rig.base}/api/v1/topology/links`)).length === 2 * N, 60_000, `${N} cables discovered`);

  const b = await openBrowser();
  t.teardown(() => b.close());
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(e.message));
  await b.page.addInitScript(`
    window.__longtasks = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longtasks.push(e.duration); })
      .observe({ type: 'longtask', buffered: true });
  `);
  const t0 = Date.now();
  await b.page.goto(`${rig.base}/`);
  await until(async () => {
    const c = await js<{ n: number; e: number }>(b.page, `({ n: window.weftGraph?.cy.nodes('[kind="switch"]').length ?? 0, e: window.weftGraph?.cy.edges('[kind="link"]').length ?? 0 })`);
    return c.n === N && c.e === N;
  }, 60_000, `${N} switches and ${N} links drawn`);
  const loadMs = Date.now() - t0;
  // Let the first frames after the last chunk be drawn (and measured) too.
  await new Promise((r) => setTimeout(r, 1500));
  const tasks = await js<number[]>(b.page, 'window.__longtasks');
  const layoutMs = await js<number>(b.page, 'window.weftLastLayoutMs');
  const longest = Math.max(0, ...tasks);
  t.comment(`drawn in ${loadMs} ms (layout in the worker ${Math.round(layoutMs)} ms); ${tasks.length} long tasks (> 50 ms), the longest ${Math.round(longest)} ms`);
  t.ok(tasks.length >= 0 && typeof layoutMs === 'number', 'laid out in the worker');
  t.ok(longest < 1000, `no long task of 1 s or more (longest ${Math.round(longest)} ms)`);
  t.match(await b.page.textContent('#topo-counts'), new RegExp(`^${N} switches, ${N} links`));

  // The page stays usable: find a switch by dpid and open its page.
  await b.page.fill('#find', '1200');
  await b.page.press('#find', 'Enter');
  await until(async () => /Switch 0000000000001200/.test((await b.page.textContent('#details')) ?? ''), 3000, 'the switch found');
  await b.page.screenshot({ path: screenshotPath('ui-1000-switches.png') });
  t.same(errors, []);
});

/**
 * The built weft (`npm run build`, `node dist/src/cli.js`, as installed) serves the UI: its
 * files are found relative to the package, not only from the source tree, and the graph
 * libraries come from node_modules. A browser loads it and draws a connected switch.
 */
import t from 'tap';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { startWeftProcess } from '../support/weft-process.js';
import { js, openBrowser, until } from './rig.js';

t.test('the built weft serves the UI', async (t) => {
  const weft = await startWeftProcess();
  t.teardown(() => weft.stop());
  const base = `http://127.0.0.1:${weft.restPort}`;

  const root = await fetch(`${base}/`, { redirect: 'manual' });
  t.equal(root.status, 302);
  t.equal(root.headers.get('location'), '/ui/');
  const html = await (await fetch(`${base}/ui/`)).text();
  t.match(html, /<title>weft<\/title>/);
  const scripts = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
  t.ok(scripts.length >= 5, 'the page names its scripts');
  for (const s of [...scripts, '/ui/js/layout-worker.js', '/ui/app.css']) {
    const r = await fetch(`${base}${s}`);
    t.equal(r.status, 200, `${s} is served`);
    t.ok((await r.text()).length > 100, `${s} has content`);
  }
  t.equal((await fetch(`${base}/ui/vendor/cytoscape/package.json`)).status, 404, 'only the vendor files the UI loads are served');
  t.equal((await fetch(`${base}/ui/../package.json`)).status, 404);

  const sw = await FakeSwitch.connect({ port: weft.openflowPort, datapathId: 0x77n, ports: [makePort(1, 'p1')] });
  t.teardown(() => sw.destroy());
  const b = await openBrowser();
  t.teardown(() => b.close());
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(e.message));
  await b.page.goto(`${base}/`);
  await until(async () => (await js<number>(b.page, `window.weftGraph?.cy.nodes('[kind="switch"]').length ?? 0`)) === 1, 10_000, 'the switch drawn');
  t.equal(await js(b.page, `typeof window.weftLastLayoutMs`), 'number', 'laid out by the worker');
  t.same(errors, []);
});

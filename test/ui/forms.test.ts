/**
 * The apps pages' forms in a real browser, against weft with a REST token: the page asks for
 * the token once; without it the forms are read-only; with it a NAT rule added through the form
 * reaches the REST list, a route with a bad prefix shows the API's message next to the prefix
 * field, and an interface and a route can be added and deleted.
 */
import t from 'tap';
import type { Page } from 'playwright-core';
import { js, json, openBrowser, ring, startUiRig, until, screenshotPath } from './rig.js';

const TOKEN = 's3cret-ui-token';

const text = async (page: Page, sel: string) => ((await page.textContent(sel)) ?? '').trim();

t.test('forms: token once, read-only without it, API errors beside their field', async (t) => {
  const rig = await startUiRig({ switches: 1, ports: 2, cables: ring(1).slice(0, 0), token: TOKEN });
  t.teardown(() => rig.close());
  const b = await openBrowser();
  t.teardown(() => b.close());
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(e.message));

  // First visit: the page asks; cancelling leaves it read-only.
  const prompts: string[] = [];
  b.page.once('dialog', (d) => { prompts.push(d.message()); void d.dismiss(); });
  await b.page.goto(`${rig.base}/ui/#/apps/nat`);
  await until(async () => (await b.page.locator('#add-nat-rule button[type=submit]').count()) === 1, 5000, 'the NAT page');
  await until(() => prompts.length === 1, 3000, 'asked for the token');
  t.match(prompts[0], /token/);
  t.ok(await b.page.locator('#add-nat-rule button[type=submit]').isDisabled(), 'read-only without the token');
  t.match(await text(b.page, '#add-nat-rule .readonly'), /Read-only/);

  // Going to another page does not ask again in this session.
  await b.page.goto(`${rig.base}/ui/#/apps/routing`);
  await b.page.reload();
  await until(async () => (await b.page.locator('#add-route').count()) === 1, 5000, 'the routing page');
  t.equal(prompts.length, 1, 'asked once per session');

  // Sign in: the forms open.
  b.page.once('dialog', (d) => void d.accept(TOKEN));
  await b.page.click('#auth-button');
  await until(async () => !(await b.page.locator('#add-route button[type=submit]').isDisabled()), 2000, 'the route form opens');
  t.equal(await js(b.page, `sessionStorage.getItem('weft.token')`), TOKEN, 'kept for the browser session');

  await t.test('a bad prefix shows the API error next to the prefix field', async (t) => {
    await b.page.fill('#add-route-prefix', '10.0.9.1/24');
    await b.page.fill('#add-route-nextHop', '192.168.1.254');
    await b.page.click('#add-route button[type=submit]');
    await until(async () => (await text(b.page, '#add-route-prefix-error')) !== '', 3000, 'an error beside the prefix');
    const api = await fetch(`${rig.base}/api/v1/apps/routing/routes`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ prefix: '10.0.9.1/24', nextHop: '192.168.1.254' }) });
    const body = (await api.json()) as { error: { message: string; field: string } };
    t.equal(api.status, 400);
    t.equal(body.error.field, 'prefix');
    t.equal(await text(b.page, '#add-route-prefix-error'), body.error.message, 'the API message, beside its field');
    t.equal(await b.page.getAttribute('#add-route-prefix', 'aria-invalid'), 'true');
    t.equal(await text(b.page, '#add-route-nextHop-error'), '', 'the other field has no error');
  });

  await t.test('a good route is added and deleted', async (t) => {
    await b.page.fill('#add-route-prefix', '10.0.9.0/24');
    await b.page.fill('#add-route-nextHop', '192.168.1.254');
    await b.page.click('#add-route button[type=submit]');
    await until(async () => /10\.0\.9\.0\/24/.test(await text(b.page, '#routes-table')), 3000, 'the route listed');
    t.ok((await json<{ prefix: string }[]>(`${rig.base}/api/v1/apps/routing/routes`)).some((r) => r.prefix === '10.0.9.0/24'), 'in the REST list');
    await b.page.click('button[aria-label="Delete route 10.0.9.0/24"]');
    await until(async () => !/10\.0\.9\.0\/24/.test(await text(b.page, '#routes-table')), 3000, 'the route gone');
    t.notOk((await json<{ prefix: string }[]>(`${rig.base}/api/v1/apps/routing/routes`)).some((r) => r.prefix === '10.0.9.0/24'), 'gone from REST');
  });

  await t.test('an interface is added', async (t) => {
    await b.page.fill('#add-interface-address', '10.0.7.1/24');
    await b.page.click('#add-interface button[type=submit]');
    await until(async () => /10\.0\.7\.1\/24/.test(await text(b.page, '#interfaces-table')), 3000, 'the interface listed');
    t.ok((await json<{ address: string }[]>(`${rig.base}/api/v1/apps/routing/interfaces`)).some((i) => i.address === '10.0.7.1/24'));
  });

  await t.test('a NAT rule added through the form appears in the REST list', async (t) => {
    await b.page.goto(`${rig.base}/ui/#/apps/nat`);
    await until(async () => !(await b.page.locator('#add-nat-rule button[type=submit]').isDisabled()), 3000, 'the NAT form');
    await b.page.selectOption('#add-nat-rule-type', 'static');
    await b.page.fill('#add-nat-rule-inside', '192.168.1.3');
    await b.page.fill('#add-nat-rule-outside', '203.0.113.103');
    await b.page.click('#add-nat-rule button[type=submit]');
    await until(async () => /203\.0\.113\.103/.test(await text(b.page, '#nat-rules-table')), 3000, 'the rule listed');
    const rules = await json<{ type: string; inside: string; outside: string }[]>(`${rig.base}/api/v1/apps/nat/rules`);
    t.ok(rules.some((r) => r.type === 'static' && r.inside === '192.168.1.3' && r.outside === '203.0.113.103'), 'in the REST list');
    // A bad address: the API names the field, the page shows it there.
    await b.page.selectOption('#add-nat-rule-type', 'static');
    await b.page.fill('#add-nat-rule-inside', '192.168.1.300');
    await b.page.fill('#add-nat-rule-outside', '203.0.113.104');
    await b.page.click('#add-nat-rule button[type=submit]');
    await until(async () => (await text(b.page, '#add-nat-rule-inside-error')) !== '', 3000, 'an error beside inside');
    t.match(await text(b.page, '#add-nat-rule-inside-error'), /192\.168\.1\.300/);
    await b.page.screenshot({ path: screenshotPath('ui-nat.png'), fullPage: true });
  });

  await t.test('signing out makes the page read-only again', async (t) => {
    await b.page.click('#auth-button');
    await until(async () => await b.page.locator('#add-nat-rule button[type=submit]').isDisabled(), 2000, 'read-only');
    t.equal(await js(b.page, `sessionStorage.getItem('weft.token')`), null);
  });

  t.same(errors, [], 'no script errors in the page');
});

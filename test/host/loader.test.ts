import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppLoadError, loadApp, loadApps } from '../../src/host/loader.js';
import { AppHost } from '../../src/host/app-host.js';
import { FakeDatapath } from '../support/fake-datapath.js';
import { memoryLogger } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'weft-apps-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'my-app.mjs'),
  `export default (options) => ({
     name: 'third-party',
     switchUp: () => [{ type: 'barrierRequest', xid: 0 }],
     command: () => options.greeting,
   });\n`,
);
writeFileSync(join(dir, 'plain.mjs'), `export default { name: 'plain-object' };\n`);
writeFileSync(join(dir, 'nodefault.mjs'), `export const app = { name: 'x' };\n`);
writeFileSync(join(dir, 'noname.mjs'), `export default { switchUp: 3 };\n`);
writeFileSync(join(dir, 'badhandler.mjs'), `export default { name: 'ok', switchUp: 3 };\n`);
writeFileSync(join(dir, 'throws.mjs'), `throw new Error('module top level failed');\n`);

t.test('a built-in app by name', async (t) => {
  const app = await loadApp('table-miss');
  t.equal(app.name, 'table-miss');
  t.type(app.desiredFlows, 'function', 'table-miss states its flow as desired state');
});

t.test('third-party apps by relative and absolute path, factories get their options', async (t) => {
  const apps = await loadApps(['./my-app.mjs', join(dir, 'plain.mjs')], { baseDir: dir, appOptions: { './my-app.mjs': { greeting: 'hello' } } });
  t.same(apps.map((a) => a.name), ['third-party', 'plain-object']);
  t.equal(apps[0]!.command!('x', {}), 'hello');
  // And it runs in the host like any app.
  const host = new AppHost({ apps, log: memoryLogger().log });
  const f = new FakeDatapath().connect(host);
  t.same(f.sent.map((m) => m.type), ['barrierRequest']);
});

t.test('load errors name the app spec', async (t) => {
  const fails = async (spec: string, re: RegExp) => {
    const err = await loadApp(spec, { baseDir: dir }).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(err instanceof AppLoadError, `${spec} fails with AppLoadError`);
    t.match((err as Error).message, re, spec);
  };
  await fails('no-such-app', /^app no-such-app: not a built-in app or an installed package$/);
  await fails('./missing.mjs', /^app \.\/missing\.mjs: module .*missing\.mjs not found$/);
  await fails('./nodefault.mjs', /no default export/);
  await fails('./noname.mjs', /name must be a non-empty string/);
  await fails('./badhandler.mjs', /switchUp is not a function/);
  await fails('./throws.mjs', /failed to load: module top level failed/);
  await fails('sdk', /not a built-in app/);
  const dup = await loadApps(['./plain.mjs', join(dir, 'plain.mjs')], { baseDir: dir }).catch((e: Error) => e);
  t.match((dup as Error).message, /another app is already named plain-object/);
});

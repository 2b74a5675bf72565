/**
 * App options changed at run time over real HTTP: GET and PUT /api/v1/apps/NAME/options, clear
 * 4xx for bad changes, and the change kept in the state store across a restart (null drops it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { http, startRig } from './rig.js';

t.test('PUT /apps/NAME/options: applied, validated, saved across a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-app-options-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const opts = { apps: ['table-miss', 'topology', 'l2-learning'], stateDir: dir };
  let rig = await startRig(opts);
  const path = '/api/v1/apps/l2-learning/options';
  t.same((await http(rig, 'GET', path)).json, {}, 'nothing configured, nothing changed');
  const put = await http(rig, 'PUT', path, { body: { idleTimeoutSec: 120, macTtlMs: 60_000 } });
  t.equal(put.status, 200);
  t.same(put.json, { idleTimeoutSec: 120, macTtlMs: 60_000 }, 'the options in force');

  const bad = await http(rig, 'PUT', path, { body: { idleTimeoutSec: -5 } });
  t.equal(bad.status, 400);
  t.equal(bad.json.error.field, 'idleTimeoutSec');
  t.match(bad.json.error.message, /idleTimeoutSec/);
  const fixed = await http(rig, 'PUT', path, { body: { table: 3 } });
  t.equal(fixed.status, 400);
  t.match(fixed.json.error, { field: 'table', message: /cannot change while weft runs/ });
  const unknown = await http(rig, 'PUT', path, { body: { idleTimeout: 5 } });
  t.equal(unknown.status, 400, 'an unknown key');
  t.equal((await http(rig, 'PUT', path, { body: [1] })).status, 400, 'not an object');
  t.equal((await http(rig, 'PUT', '/api/v1/apps/table-miss/options', { body: { x: 1 } })).status, 409, 'an app without run-time options');
  t.equal((await http(rig, 'PUT', '/api/v1/apps/nope/options', { body: {} })).status, 404);
  t.same((await http(rig, 'GET', path)).json, { idleTimeoutSec: 120, macTtlMs: 60_000 }, 'refused changes changed nothing');
  await rig.close();

  rig = await startRig(opts);
  t.teardown(() => rig.close());
  t.same((await http(rig, 'GET', path)).json, { idleTimeoutSec: 120, macTtlMs: 60_000 }, 'after a restart: the saved change');
  const reset = await http(rig, 'PUT', path, { body: { idleTimeoutSec: null } });
  t.same(reset.json, { macTtlMs: 60_000 }, 'null: back to the configured value');
});

/**
 * The server itself over real HTTP: auth on writes, CORS, /metrics (parsed as Prometheus text),
 * /health and /ready, the OpenAPI document and docs page, apps and their own routes, topology,
 * and a REST port already in use.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { defaultConfig } from '../../src/config/index.js';
import { main } from '../../src/main.js';
import { createMetrics } from '../../src/metrics.js';
import { createRestServer } from '../../src/rest/server.js';
import type { RestDeps } from '../../src/rest/deps.js';
import { freePort } from '../support/weft-process.js';
import { parseProm, valueOf } from './prom-text.js';
import { http, startRig } from './rig.js';

const DEMO = fileURLToPath(new URL('./fixtures/demo-app.ts', import.meta.url));
const TOPO = fileURLToPath(new URL('./fixtures/fake-topology.ts', import.meta.url));
const TOKEN = 'tok-7f3a9c21';

t.test('a bearer token guards every write, reads stay open', async (t) => {
  const rig = await startRig({ token: TOKEN });
  t.teardown(() => rig.close());
  const flows = `/api/v1/switches/${rig.dpid}/flows`;
  const none = await http(rig, 'POST', flows, { body: { priority: 1 } });
  t.equal(none.status, 401);
  t.equal(none.json.error.code, 'unauthorized');
  t.equal(none.headers.get('www-authenticate'), 'Bearer realm="weft"');
  const wrong = await http(rig, 'DELETE', flows, { headers: { authorization: 'Bearer not-the-token' } });
  t.equal(wrong.status, 403);
  t.equal(wrong.json.error.code, 'forbidden');
  const basic = await http(rig, 'PUT', flows, { body: {}, headers: { authorization: `Basic ${TOKEN}` } });
  t.equal(basic.status, 401, 'only the Bearer scheme');
  for (const method of ['PATCH', 'PUT', 'DELETE']) {
    // Auth runs before routing: even a write to a route that does not exist is 401 first.
    t.equal((await http(rig, method, `/api/v1/switches/${rig.dpid}/groups/1`, { body: { type: 'all' } })).status, 401, `${method} without a token`);
  }
  t.equal(rig.got('flowMod').length, 1, 'only the table-miss flow reached the switch');
  const ok = await http(rig, 'POST', flows, { body: { priority: 1 }, headers: { authorization: `Bearer ${TOKEN}` } });
  t.equal(ok.status, 201);
  t.equal((await http(rig, 'GET', flows)).status, 200, 'reads need no token');
  t.equal((await http(rig, 'GET', '/metrics')).status, 200);
});

t.test('CORS: allowed origins get the header and preflights pass without a token', async (t) => {
  const rig = await startRig({ cors: ['http://dash.example:3000'], token: TOKEN });
  t.teardown(() => rig.close());
  const r = await http(rig, 'GET', '/api/v1/switches', { headers: { origin: 'http://dash.example:3000' } });
  t.equal(r.headers.get('access-control-allow-origin'), 'http://dash.example:3000');
  const other = await http(rig, 'GET', '/api/v1/switches', { headers: { origin: 'http://evil.example' } });
  t.equal(other.headers.get('access-control-allow-origin'), null);
  const pre = await http(rig, 'OPTIONS', `/api/v1/switches/${rig.dpid}/flows`, {
    headers: { origin: 'http://dash.example:3000', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  t.equal(pre.status, 204);
  t.match(pre.headers.get('access-control-allow-methods'), /POST/);
  t.match(pre.headers.get('access-control-allow-headers'), /Authorization/);

  const off = await startRig({ noSwitch: true });
  t.teardown(() => off.close());
  const plain = await http(off, 'GET', '/api/v1/switches', { headers: { origin: 'http://dash.example:3000' } });
  t.equal(plain.headers.get('access-control-allow-origin'), null, 'no CORS unless configured');
});

t.test('/metrics parses as Prometheus text and counts what happened', async (t) => {
  const rig = await startRig({ apps: ['table-miss', DEMO], echoIntervalMs: 60 });
  t.teardown(() => rig.close());
  rig.script.reject = (m) => (m.type === 'flowMod' && m.priority === 66 ? 'OFPET_BAD_ACTION/OFPBAC_BAD_OUT_GROUP' : undefined);
  await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows`, { body: { priority: 66, actions: [{ type: 'group', groupId: 1 }] } });
  await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows`, { body: { priority: 67 } });
  await new Promise((r) => setTimeout(r, 250)); // idle: weft sends echo requests
  const res = await http(rig, 'GET', '/metrics');
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const p = parseProm(res.text);
  t.same(p.samples.filter((s) => !s.name.startsWith('weft_')).map((s) => s.name), [], 'every metric has the weft_ prefix');
  t.ok(p.samples.length > 50);
  t.equal(p.types.get('weft_switches_connected'), 'gauge');
  t.equal(p.types.get('weft_openflow_messages_total'), 'counter');
  t.equal(p.types.get('weft_echo_rtt_seconds'), 'histogram');
  t.equal(valueOf(p, 'weft_switches_connected'), 1);
  t.equal(valueOf(p, 'weft_openflow_messages_total', { direction: 'in', type: 'FEATURES_REPLY' }), 1);
  t.equal(valueOf(p, 'weft_openflow_messages_total', { direction: 'out', type: 'FLOW_MOD' }), 3, 'table-miss + two REST flows');
  t.equal(valueOf(p, 'weft_flow_mods_total'), 3);
  t.equal(valueOf(p, 'weft_packet_ins_total'), 0);
  t.equal(valueOf(p, 'weft_switch_errors_total', { type: 'OFPET_BAD_ACTION', code: 'OFPBAC_BAD_OUT_GROUP' }), 1);
  t.ok(valueOf(p, 'weft_echo_rtt_seconds_count')! >= 1, 'echo round trips measured');
  t.equal(valueOf(p, 'weft_app_stat', { app: 'demo', stat: 'macs_learned' }), 17);
  t.equal(valueOf(p, 'weft_app_messages_sent_total', { app: 'table-miss' }), 0, 'the table-miss flow is sent by reconciliation, not by the app');
  t.equal(valueOf(p, 'weft_rest_request_duration_seconds_count', { method: 'POST', route: '/api/v1/switches/:dpid/flows', status: '422' }), 1);
  t.equal(valueOf(p, 'weft_rest_request_duration_seconds_count', { method: 'POST', route: '/api/v1/switches/:dpid/flows', status: '201' }), 1);
  t.ok(valueOf(p, 'weft_process_cpu_seconds_total')! > 0, 'process metrics');
  t.ok(p.samples.some((s) => s.name === 'weft_nodejs_eventloop_lag_seconds'));
});

t.test('apps: list, commands, and routes an app mounts under /api/v1/apps/NAME', async (t) => {
  const rig = await startRig({ apps: ['table-miss', DEMO], token: TOKEN });
  t.teardown(() => rig.close());
  const auth = { authorization: `Bearer ${TOKEN}` };
  const list = await http(rig, 'GET', '/api/v1/apps');
  t.equal(list.status, 200);
  t.same(list.json.map((a: { name: string }) => a.name), ['table-miss', 'demo']);
  t.match(list.json[1], { name: 'demo', stats: { policies: 0, macs_learned: 17 }, commands: true, routes: true, counters: { events: 0 } });
  t.match(list.json[0], { name: 'table-miss', commands: false, routes: false, counters: { events: 0, messagesSent: 0 } });
  t.match(list.json[0].cookieBase, /^0x[0-9a-f]+$/);

  const cmd = await http(rig, 'POST', '/api/v1/apps/demo/commands/echo', { body: { args: { x: 3 } }, headers: auth });
  t.equal(cmd.status, 200);
  t.same(cmd.json, { result: { echoed: { x: 3 }, big: (2n ** 70n).toString() } });
  const noApp = await http(rig, 'POST', '/api/v1/apps/nope/commands/echo', { body: {}, headers: auth });
  t.equal(noApp.status, 404);
  const noCmds = await http(rig, 'POST', '/api/v1/apps/table-miss/commands/x', { body: {}, headers: auth });
  t.equal(noCmds.status, 404);

  t.same((await http(rig, 'GET', '/api/v1/apps/demo/policies')).json, []);
  const add = await http(rig, 'POST', '/api/v1/apps/demo/policies', { body: { id: 'p1', action: 'deny' }, headers: auth });
  t.equal(add.status, 201);
  t.same(add.json, { id: 'p1', action: 'deny' });
  const unauth = await http(rig, 'POST', '/api/v1/apps/demo/policies', { body: { id: 'p2', action: 'deny' } });
  t.equal(unauth.status, 401, 'app routes are writes like any other');
  const dup = await http(rig, 'POST', '/api/v1/apps/demo/policies', { body: { id: 'p1', action: 'allow' }, headers: auth });
  t.equal(dup.status, 409);
  t.same(dup.json, { error: { status: 409, code: 'conflict', message: 'policy p1 exists' } });
  const invalid = await http(rig, 'POST', '/api/v1/apps/demo/policies', { body: { id: 'p3', action: 'maybe' }, headers: auth });
  t.equal(invalid.status, 400);
  t.equal(invalid.json.error.field, 'action', 'the app route\'s body schema is enforced');
  t.same((await http(rig, 'GET', '/api/v1/apps/demo/policies')).json, [{ id: 'p1', action: 'deny' }]);
  t.equal((await http(rig, 'DELETE', '/api/v1/apps/demo/policies/p1', { headers: auth })).status, 204);
  t.equal((await http(rig, 'DELETE', '/api/v1/apps/demo/policies/p1', { headers: auth })).status, 404);

  const spec = await http(rig, 'GET', '/openapi.json');
  t.ok(spec.json.paths['/api/v1/apps/demo/policies'], 'app routes are in the OpenAPI document');
});

t.test('topology routes: 503 without the topology app, its data with it', async (t) => {
  const without = await startRig({ noSwitch: true });
  t.teardown(() => without.close());
  for (const path of ['/api/v1/topology/links', '/api/v1/topology/hosts', '/api/v1/topology/path?src=0a:00:00:00:00:01&dst=0a:00:00:00:00:03']) {
    const r = await http(without, 'GET', path);
    t.equal(r.status, 503, path);
    t.equal(r.json.error.code, 'service_unavailable');
    t.match(r.json.error.message, /topology app is not loaded/);
  }

  const rig = await startRig({ noSwitch: true, apps: ['table-miss', TOPO] });
  t.teardown(() => rig.close());
  const links = await http(rig, 'GET', '/api/v1/topology/links');
  t.equal(links.status, 200);
  t.equal(links.json.length, 4);
  t.same(links.json[2], { src: { dpid: '0000000000000002', port: 5 }, dst: { dpid: '0000000000000003', port: 6 } });
  const hosts = await http(rig, 'GET', '/api/v1/topology/hosts');
  t.same(hosts.json[1], { mac: '0a:00:00:00:00:03', ipv4: ['10.0.0.3'], ipv6: ['fe80::3'], dpid: '0000000000000003', port: 2, firstSeen: new Date(1_700_000_001_000).toISOString(), lastSeen: new Date(1_700_000_006_000).toISOString() });
  const path = await http(rig, 'GET', '/api/v1/topology/path?src=0A:00:00:00:00:01&dst=0a:00:00:00:00:03');
  t.equal(path.status, 200);
  t.same(path.json.hops, [
    { dpid: '0000000000000001', inPort: 1, outPort: 3 },
    { dpid: '0000000000000002', inPort: 4, outPort: 5 },
    { dpid: '0000000000000003', inPort: 6, outPort: 2 },
  ]);
  t.equal(path.json.links.length, 2);
  t.equal((await http(rig, 'GET', '/api/v1/topology/path?src=0a:00:00:00:00:01&dst=0a:00:00:00:00:99')).status, 404);
  t.equal((await http(rig, 'GET', '/api/v1/topology/path?src=0a:00:00:00:00:01&dst=0a:00:00:00:00:09')).status, 404, 'unreachable');
  const bad = await http(rig, 'GET', '/api/v1/topology/path?src=nope&dst=0a:00:00:00:00:03');
  t.equal(bad.status, 400);
  t.equal(bad.json.error.field, 'src');
  t.equal((await http(rig, 'GET', '/metrics')).text.match(/^weft_topology_links (\d+)$/m)?.[1], '4');
});

t.test('OpenAPI document and docs page', async (t) => {
  const rig = await startRig({ noSwitch: true });
  t.teardown(() => rig.close());
  const spec = await http(rig, 'GET', '/openapi.json');
  t.equal(spec.status, 200);
  t.equal(spec.json.openapi, '3.0.3');
  const paths = Object.keys(spec.json.paths);
  for (const p of ['/api/v1/switches', '/api/v1/switches/{dpid}', '/api/v1/switches/{dpid}/flows', '/api/v1/switches/{dpid}/flows/bulk', '/api/v1/switches/{dpid}/ports/{port}', '/api/v1/switches/{dpid}/groups/{id}', '/api/v1/switches/{dpid}/meters/{id}', '/api/v1/topology/path', '/api/v1/apps', '/metrics', '/health', '/ready']) {
    t.ok(paths.includes(p), `${p} documented`);
  }
  t.notOk(paths.includes('/openapi.json'), 'the document does not list itself');
  const events = spec.json.paths['/api/v1/events']?.get;
  t.ok(events, 'the WebSocket event stream is documented');
  t.match(events?.description, /WebSocket/);
  t.same(events?.parameters.map((p: { name: string }) => p.name).sort(), ['format', 'types']);
  const plain = await http(rig, 'GET', '/api/v1/events');
  t.equal(plain.status, 426, 'a plain GET of the stream: 426 Upgrade Required');
  t.match(plain.json.error, { code: 'upgrade_required', message: /WebSocket: connect with Upgrade: websocket/ });
  const post = spec.json.paths['/api/v1/switches/{dpid}/flows'].post;
  t.ok(post.requestBody.content['application/json'].schema, 'request body schema');
  t.ok(post.responses['201'], 'success response');
  t.ok(post.responses['4XX'] ?? post.responses['4xx'], 'error response');
  for (const name of ['Error', 'Flow', 'Match', 'Action', 'Instruction', 'Group', 'Meter']) t.ok(spec.json.components.schemas[name], `components.schemas.${name}`);
  const docs = await http(rig, 'GET', '/docs');
  t.equal(docs.status, 200);
  t.match(docs.text, /swagger-ui/i);
  const init = await http(rig, 'GET', '/docs/static/swagger-initializer.js');
  t.equal(init.status, 200, 'the page\'s assets are served locally');
});

t.test('/health and /ready with a fake host; /ready flips to 503', async (t) => {
  let ready = false;
  const host = { apps: () => [], counters: () => ({ packetInsMiss: 0, packetInsOwned: 0, packetInsUnclaimed: 0, flowRemovedUnclaimed: 0, errorsUnclaimed: 0, barriers: 0, apps: {} }), command: () => undefined };
  const silent = { child: () => silent, debug() {}, info() {}, warn() {}, error() {} };
  const deps: RestDeps = {
    switches: () => new Map(),
    host,
    app: () => undefined,
    ready: () => ready,
    metrics: createMetrics({ switchCount: () => 0, host, app: () => undefined, processMetrics: false }),
    log: silent,
    version: '9.9.9',
  };
  const rest = await createRestServer(deps, { ...defaultConfig().rest, port: await freePort() });
  t.teardown(() => rest.close());
  const { port } = await rest.listen();
  const rig = { base: `http://127.0.0.1:${port}` };
  t.same((await http(rig, 'GET', '/health')).json, { status: 'ok' });
  const notReady = await http(rig, 'GET', '/ready');
  t.equal(notReady.status, 503);
  t.same(notReady.json, { status: 'not ready' });
  ready = true;
  const isReady = await http(rig, 'GET', '/ready');
  t.equal(isReady.status, 200);
  t.same(isReady.json, { status: 'ready' });
  t.equal((await http(rig, 'GET', '/openapi.json')).json.info.version, '9.9.9');
  t.same((await http(rig, 'GET', '/api/v1/switches')).json, []);
});

t.test('a REST port in use: one clear line and exit code 1, OpenFlow listener released', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => blocker.close(() => r())));
  const restPort = (blocker.address() as { port: number }).port;
  const ofPort = await freePort();
  const errs: string[] = [];
  const code = await main({
    argv: ['--openflow-host', '127.0.0.1', '--openflow-port', String(ofPort), '--rest-port', String(restPort), '--log-level', 'silent'],
    env: {},
    stdout: () => {},
    stderr: (s) => errs.push(s),
  });
  t.equal(code, 1);
  t.equal(errs.join(''), `weft: REST API 127.0.0.1:${restPort}: address already in use\n`);
  // The OpenFlow port was closed again: we can listen on it.
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(ofPort, '127.0.0.1', () => resolve());
  });
  await new Promise<void>((r) => probe.close(() => r()));
  t.pass('OpenFlow port released');
});

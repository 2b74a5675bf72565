import { createServer, type Socket } from 'node:net';
import { startOvs } from '../../test/support/ovs.js';
import type { FixtureSet } from './fixture-file.js';
import { udpFrame } from './frames.js';
import { flowStatsRequestBody, hello, mpRequest, OFPMP, OFPT, ofMsg, u32s } from './of-bytes.js';
import { Peer } from './peer.js';
import { FLOW_REM_DELETE, FLOW_REM_HARD, FLOWS, GROUPS, METERS } from './specs.js';

/**
 * Switch -> controller: we are a minimal controller on a loopback port; a private Open vSwitch
 * bridge (dummy userspace datapath, fixed names so re-captures are comparable) connects to us and
 * we record the raw bytes of its replies and asynchronous messages.
 */
const BRIDGE = 'wfcap0';
const DPID = 'a1b2c3d4e5f60718';
const src = (what: string) => `switch->controller, bridge ${BRIDGE} (datapath_type=dummy, protocols=OpenFlow13, dpid ${DPID}); ${what}`;

/** Returns every part of the bridge's table-features reply (the fake switch of to-switch.ts replays it). */
export async function captureFromSwitch(fx: FixtureSet): Promise<Buffer[]> {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const ovs = await startOvs();
  try {
    await ovs.addBridge(BRIDGE, { controller: `tcp:127.0.0.1:${port}`, failMode: 'secure', datapathId: DPID });
    await ovs.vsctl('set', 'bridge', BRIDGE, 'other-config:hwaddr=02:de:ad:be:ef:01', 'other-config:dp-desc=weft capture bridge');
    for (const n of [1, 2, 3]) await ovs.addPort(BRIDGE, `p${n}`, { type: 'dummy', ofport: n });
    const sw = new Peer(await accepted);
    const tableFeatures = await run(fx, ovs, sw);
    const leftovers = sw.drain();
    if (leftovers.length) console.log(`(${leftovers.length} unclaimed messages: types ${leftovers.map((m) => m[1]).join(',')})`);
    sw.sock.destroy();
    return tableFeatures;
  } finally {
    server.close();
    await ovs.stop();
  }
}

/** PORT_STATUS with the given reason (ADD 0, DELETE 1, MODIFY 2). */
const isPortStatus = (m: Buffer, reason: number) => m[1] === OFPT.PORT_STATUS && m[8] === reason;

type Ovs = Awaited<ReturnType<typeof startOvs>>;

async function run(fx: FixtureSet, ovs: Ovs, sw: Peer): Promise<Buffer[]> {
  const ofctl = (...args: string[]) => ovs.ofctl('-O', 'OpenFlow13', ...args);
  let xid = 0x5a000001;
  let lastParts: Buffer[] = [];
  const one = async (name: string, req: Buffer, what: string) => {
    const [reply] = await sw.transact(req, name);
    fx.add(name, reply!, src(what));
    return reply!;
  };
  const mp = async (name: string, mpType: number, body: Buffer | undefined, what: string) => {
    const parts = await sw.transact(mpRequest(mpType, xid++, body), name, 10_000);
    lastParts = parts;
    if (parts.length === 1) fx.add(name, parts[0]!, src(what));
    else {
      fx.add(`${name}-first`, parts[0]!, src(`${what}; first of ${parts.length} parts (flags=REPLY_MORE)`));
      fx.add(`${name}-last`, parts[parts.length - 1]!, src(`${what}; last of ${parts.length} parts`));
    }
  };

  fx.add('hello', await sw.next((m) => m[1] === OFPT.HELLO, 'switch HELLO'), src('HELLO the switch sends on connect'));
  sw.send(hello(0x5a000000));
  await one('features-reply', ofMsg(OFPT.FEATURES_REQUEST, xid++), 'reply to FEATURES_REQUEST');
  // Non-default config first so the reply carries distinct values: frags=drop, miss_send_len=384.
  sw.send(ofMsg(OFPT.SET_CONFIG, xid++, Buffer.from('00010180', 'hex')));
  await one('get-config-reply', ofMsg(OFPT.GET_CONFIG_REQUEST, xid++), 'GET_CONFIG_REQUEST after SET_CONFIG flags=1 (frag drop) miss_send_len=384');
  sw.send(ofMsg(OFPT.SET_ASYNC, xid++, u32s(0x3, 0x1, 0x7, 0x5, 0xf, 0x2)));
  await one('get-async-reply', ofMsg(OFPT.GET_ASYNC_REQUEST, xid++), 'GET_ASYNC_REQUEST after SET_ASYNC packet_in 3/1, port_status 7/5, flow_removed f/2');
  const role = (r: number, gen: bigint) => {
    const b = Buffer.alloc(16);
    b.writeUInt32BE(r, 0);
    b.writeBigUInt64BE(gen, 8);
    return ofMsg(OFPT.ROLE_REQUEST, xid++, b);
  };
  await one('role-reply', role(2, 0x0102030405060708n), 'ROLE_REQUEST role=MASTER generation_id=0x0102030405060708');
  await one('error-role-stale', role(2, 0x0102030405060000n), 'ROLE_REQUEST role=MASTER with an older generation_id (stale)');
  await one('barrier-reply', ofMsg(OFPT.BARRIER_REQUEST, xid++), 'reply to BARRIER_REQUEST');
  await one('echo-reply', ofMsg(OFPT.ECHO_REQUEST, xid++, Buffer.from('weft-echo-0123')), 'reply to ECHO_REQUEST with 14 bytes of data');
  await one('error-bad-type', ofMsg(0x30, xid++, Buffer.from('0badc0de', 'hex')), 'reply to a message of unknown type 0x30');
  await one('error-bad-multipart', mpRequest(0x7f, xid++), 'reply to a MULTIPART_REQUEST of unknown type 0x7f');
  await one('error-bad-version', ofMsg(OFPT.BARRIER_REQUEST, xid++, undefined, 1), 'reply to a version-1 BARRIER_REQUEST');
  await one('queue-get-config-reply', ofMsg(OFPT.QUEUE_GET_CONFIG_REQUEST, xid++, u32s(1, 0)), 'reply to QUEUE_GET_CONFIG_REQUEST port=1');

  for (const m of METERS) await ofctl('add-meter', BRIDGE, m);
  for (const g of GROUPS) await ofctl('add-group', BRIDGE, g);
  for (const f of FLOWS) await ofctl('add-flow', BRIDGE, f);
  // GROUP_MOD add of an existing group (17, type ALL, no buckets).
  await one('error-group-exists', ofMsg(OFPT.GROUP_MOD, xid++, Buffer.from('0000000000000011', 'hex')), 'GROUP_MOD ADD of existing group 17');

  // Traffic: UDP 5353 in port 1 -> table 2 -> controller (ACTION); UDP 7777 -> meter 5 + group 17;
  // an unmatched frame on port 2 -> table-miss -> controller (NO_MATCH).
  const frame = (sport: number, dport: number, payload: string) =>
    udpFrame({ dst: '02:11:22:33:44:55', src: '02:66:77:88:99:aa', ipSrc: '10.20.30.40', ipDst: '10.20.30.41', sport, dport, ttl: 61, tos: 0x28, payload: Buffer.from(payload) }).toString('hex');
  await ovs.injectPacket('p1', frame(40000, 5353, 'weft mdns payload'));
  fx.add('packet-in-action', await sw.next((m) => m[1] === OFPT.PACKET_IN, 'PACKET_IN (action)'),
    src('PACKET_IN from output:CONTROLLER max_len 96 in table 2 (cookie 0xc0ffee0000000002, metadata 0xabc) for a UDP frame injected on port 1 with netdev-dummy/receive'));
  await ovs.injectPacket('p2', frame(40001, 9999, 'weft table miss payload'));
  fx.add('packet-in-no-match', await sw.next((m) => m[1] === OFPT.PACKET_IN, 'PACKET_IN (no match)'),
    src('PACKET_IN from the table-miss flow (CONTROLLER:128, cookie 0x5e) for a UDP frame injected on port 2'));
  for (let i = 0; i < 3; i++) await ovs.injectPacket('p3', frame(40002 + i, 7777, 'metered'));
  await new Promise((r) => setTimeout(r, 300)); // let the datapath account the packets

  await mp('desc-reply', OFPMP.DESC, undefined, 'reply to OFPMP_DESC (dp-desc set to "weft capture bridge")');
  await mp('port-desc-reply', OFPMP.PORT_DESC, undefined, 'reply to OFPMP_PORT_DESC (dummy ports p1-p3, LOCAL hwaddr 02:de:ad:be:ef:01)');
  await mp('flow-stats-reply', OFPMP.FLOW, flowStatsRequestBody(), 'reply to OFPMP_FLOW for all tables after ovs-ofctl add-flow of FLOWS in tools/capture/specs.ts');
  await mp('aggregate-reply', OFPMP.AGGREGATE, flowStatsRequestBody(), 'reply to OFPMP_AGGREGATE for all tables');
  await mp('table-stats-reply', OFPMP.TABLE, undefined, 'reply to OFPMP_TABLE (254 tables)');
  await mp('port-stats-reply', OFPMP.PORT_STATS, u32s(0xffffffff, 0), 'reply to OFPMP_PORT_STATS port=ANY');
  await mp('queue-stats-reply', OFPMP.QUEUE, u32s(0xffffffff, 0xffffffff), 'reply to OFPMP_QUEUE port=ANY queue=ALL (no queues configured)');
  await mp('group-stats-reply', OFPMP.GROUP, u32s(0xfffffffc, 0), 'reply to OFPMP_GROUP group=ALL after 3 packets through group 17');
  await mp('group-desc-reply', OFPMP.GROUP_DESC, undefined, 'reply to OFPMP_GROUP_DESC (groups 17-20 of specs.ts)');
  await mp('group-features-reply', OFPMP.GROUP_FEATURES, undefined, 'reply to OFPMP_GROUP_FEATURES');
  await mp('meter-stats-reply', OFPMP.METER, u32s(0xffffffff, 0), 'reply to OFPMP_METER meter=ALL after 3 packets through meter 5');
  await mp('meter-config-reply', OFPMP.METER_CONFIG, u32s(0xffffffff, 0), 'reply to OFPMP_METER_CONFIG meter=ALL (meters 5, 6 of specs.ts)');
  await mp('meter-features-reply', OFPMP.METER_FEATURES, undefined, 'reply to OFPMP_METER_FEATURES');
  await mp('table-features-reply', OFPMP.TABLE_FEATURES, undefined, 'reply to an empty OFPMP_TABLE_FEATURES request');
  const tableFeatures = lastParts;

  // PORT_STATUS: add, modify (port down), delete.
  await ovs.addPort(BRIDGE, 'p4', { type: 'dummy', ofport: 4 });
  fx.add('port-status-add', await sw.next((m) => isPortStatus(m, 0), 'PORT_STATUS add'), src('PORT_STATUS after ovs-vsctl add-port p4 (type=dummy, ofport_request=4)'));
  await ofctl('mod-port', BRIDGE, 'p4', 'down');
  fx.add('port-status-modify', await sw.next((m) => isPortStatus(m, 2) && (m.readUInt32BE(48) & 1) === 1, 'PORT_STATUS modify (config PORT_DOWN)'), src('PORT_STATUS after ovs-ofctl mod-port p4 down'));
  await ovs.vsctl('del-port', BRIDGE, 'p4');
  fx.add('port-status-delete', await sw.next((m) => isPortStatus(m, 1), 'PORT_STATUS delete'), src('PORT_STATUS after ovs-vsctl del-port p4'));

  // FLOW_REMOVED: delete after two packets; hard timeout.
  await ofctl('add-flow', BRIDGE, FLOW_REM_DELETE);
  for (let i = 0; i < 2; i++) await ovs.injectPacket('p2', frame(4321, 50000 + i, 'to be removed'));
  await new Promise((r) => setTimeout(r, 1200)); // the revalidator pushes datapath stats to the flow
  await ofctl('--strict', 'del-flows', BRIDGE, FLOW_REM_DELETE.replace(/cookie=[^,]+,|idle_timeout=\d+,|hard_timeout=\d+,|send_flow_rem,|,actions=.*$/g, ''));
  fx.add('flow-removed-delete', await sw.next((m) => m[1] === OFPT.FLOW_REMOVED, 'FLOW_REMOVED delete'), src(`FLOW_REMOVED after ovs-ofctl --strict del-flows of "${FLOW_REM_DELETE}" hit by 2 packets`));
  await ofctl('add-flow', BRIDGE, FLOW_REM_HARD);
  fx.add('flow-removed-hard-timeout', await sw.next((m) => m[1] === OFPT.FLOW_REMOVED, 'FLOW_REMOVED hard timeout', 8000), src(`FLOW_REMOVED when "${FLOW_REM_HARD}" expired`));

  // OVS probes an idle controller connection after 5 s: stay quiet long enough to record one.
  const quietUntil = Date.now() + 7000;
  while (!sw.echoRequests.length && Date.now() < quietUntil) await new Promise((r) => setTimeout(r, 200));
  if (sw.echoRequests.length) fx.add('echo-request', sw.echoRequests[0]!, src('ECHO_REQUEST the switch sends after 5 s of silence'));
  else fx.miss('echo-request', 'the switch sent no liveness probe during the capture');
  return tableFeatures;
}

/**
 * Captures ONF bundle messages (EXT-230, OpenFlow 1.3) into test/fixtures/openflow/onf-bundle-*.json.
 * Run: npx tsx tools/capture-bundle.ts [--write]   (root: it starts a private Open vSwitch)
 * 1. controller->switch: we play a switch on a loopback port for `ovs-ofctl -O OpenFlow13 --bundle
 *    add-flow` and record its BUNDLE_CONTROL and BUNDLE_ADD_MESSAGE bytes;
 * 2. switch->controller: we are the controller of a private bridge, replay those bytes (new xids
 *    and bundle ids only) and record what OVS answers: replies, and the errors of a bad add, of a
 *    commit that fails, of an unknown bundle id and of a duplicate open.
 * Independent of protocol/ (like tools/capture/*): the fixtures test the codec.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { startOvs } from '../test/support/ovs.js';
import { FixtureSet } from './capture/fixture-file.js';
import { hello, OFPT, ofMsg } from './capture/of-bytes.js';
import { ofctlAsSwitch } from './capture/ofctl-talk.js';
import { Peer } from './capture/peer.js';
import { fakeSwitchAnswer } from './capture/to-switch.js';

const ONF = 0x4f4e4600;
const EXPERIMENTER = 4;
const tfLast = Buffer.from(
  (JSON.parse(readFileSync(new URL('../test/fixtures/openflow/table-features-reply-last.json', import.meta.url), 'utf8')) as { hex: string }).hex,
  'hex',
);
const isOnf = (m: Buffer, expType: number) => m[1] === EXPERIMENTER && m.length >= 16 && m.readUInt32BE(8) === ONF && m.readUInt32BE(12) === expType;

/** The fake switch answers a bundle control request with its reply (type + 1), like OVS. */
function answer(m: Buffer): Buffer | undefined {
  if (isOnf(m, 2300)) {
    const r = Buffer.from(m);
    r.writeUInt16BE(m.readUInt16BE(20) + 1, 20);
    return r;
  }
  return fakeSwitchAnswer(m, [tfLast]);
}

const FLOWS: Record<string, string> = {
  good: 'table=3,priority=300,cookie=0xb1,ip,nw_dst=10.1.2.3,actions=output:2',
  badMeter: 'table=3,priority=301,cookie=0xb2,ip,nw_dst=10.1.2.4,actions=meter:99,output:2',
  overlap: 'table=3,priority=300,cookie=0xb3,ip,nw_dst=10.1.2.0/24,check_overlap,actions=output:1',
};

async function fromOfctl(fx: FixtureSet): Promise<Record<string, Buffer[]>> {
  const ofctl = await ofctlAsSwitch(answer);
  const out: Record<string, Buffer[]> = {};
  try {
    for (const [name, flow] of Object.entries(FLOWS)) {
      const { msgs: got } = await ofctl.talk(['add-flow', flow], ['--bundle']);
      out[name] = got.filter((m) => m[1] === EXPERIMENTER);
      const cmd = `ovs-ofctl -O OpenFlow13 --bundle add-flow tcp:127.0.0.1:PORT '${flow}'`;
      if (name === 'good') {
        const [open, add, commit] = out[name]!;
        fx.add('onf-bundle-open-request', open!, `controller->switch, bytes ovs-ofctl sent to a fake switch: ${cmd} (1st message)`);
        fx.add('onf-bundle-add-flow-mod', add!, `controller->switch, bytes ovs-ofctl sent to a fake switch: ${cmd} (2nd message)`);
        fx.add('onf-bundle-commit-request', commit!, `controller->switch, bytes ovs-ofctl sent to a fake switch: ${cmd} (3rd message)`);
      }
    }
  } finally {
    ofctl.close();
  }
  return out;
}

/** A copy of `m` with a new xid (outer, and inner for an add) and bundle id; the rest as ovs-ofctl wrote it. */
function rewrite(m: Buffer, xid: number, bundleId: number, ctrlType?: number): Buffer {
  const b = Buffer.from(m);
  b.writeUInt32BE(xid, 4);
  b.writeUInt32BE(bundleId, 16);
  if (ctrlType !== undefined) b.writeUInt16BE(ctrlType, 20);
  if (isOnf(m, 2301)) b.writeUInt32BE(xid, 28);
  return b;
}

async function fromSwitch(fx: FixtureSet, sent: Record<string, Buffer[]>): Promise<void> {
  const server = createServer();
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ovs = await startOvs();
  const src = (what: string) => `switch->controller, bridge wfbnd0 (datapath_type=dummy, protocols=OpenFlow13); ${what}`;
  try {
    await ovs.addBridge('wfbnd0', { controller: `tcp:127.0.0.1:${(server.address() as { port: number }).port}`, failMode: 'secure' });
    const sw = new Peer(await accepted);
    await sw.next((m) => m[1] === OFPT.HELLO, 'HELLO');
    sw.send(hello(0x6b000000));
    let xid = 0x6b000001;
    const [open, add, commit] = sent.good!;
    // ovs-ofctl refuses to encode an output to port 70000, so patch the good add's output port:
    // OVS checks the port range when it decodes the FLOW_MOD, i.e. at add time.
    const bad = Buffer.from(add!);
    const at = bad.indexOf(Buffer.from('0000001000000002', 'hex'), 24);
    bad.writeUInt32BE(70000, at + 4);
    const meter = sent.badMeter![1]!;
    const overlap = sent.overlap![1]!;
    const reply = async (req: Buffer, what: string) => (await sw.transact(req, what))[0]!;
    const barrier = () => sw.transact(ofMsg(OFPT.BARRIER_REQUEST, xid++), 'barrier');

    fx.add('onf-bundle-open-reply', await reply(rewrite(open!, xid++, 1), 'open'), src('reply to BUNDLE_CONTROL OPEN_REQUEST bundle_id=1 flags=atomic|ordered'));
    sw.send(rewrite(add!, xid++, 1));
    const badXid = xid++;
    sw.send(rewrite(bad, badXid, 1));
    await barrier();
    fx.add('error-onf-bundle-add-bad-port', await sw.next((m) => m.readUInt32BE(4) === badXid, 'add error'), src('BUNDLE_ADD_MESSAGE (bundle 1) of a FLOW_MOD with output:70000 (out of the port range)'));
    fx.add('error-onf-bundle-open-twice', await reply(rewrite(open!, xid++, 1), 'open twice'), src('a second OPEN_REQUEST for the open bundle 1'));
    fx.add('error-onf-bundle-discard-unknown', await reply(rewrite(open!, xid++, 1, 6), 'discard'), src('DISCARD_REQUEST for bundle 1 after the duplicate open (OVS removed it)'));

    await reply(rewrite(open!, xid++, 2), 'open 2');
    sw.send(rewrite(add!, xid++, 2));
    fx.add('onf-bundle-commit-reply', await reply(rewrite(commit!, xid++, 2), 'commit 2'), src('reply to COMMIT_REQUEST of bundle 2 (one good flow)'));
    fx.add('error-onf-bundle-discard-never-opened', await reply(rewrite(open!, xid++, 3, 6), 'discard 3 (implicit)'), src('DISCARD_REQUEST for bundle 3 that was never opened'));

    // A commit that fails: the overlap check runs at commit, against the flow bundle 2 installed.
    await reply(rewrite(open!, xid++, 4), 'open 4');
    const ovXid = xid++;
    sw.send(rewrite(overlap, ovXid, 4));
    await barrier();
    const cXid = xid++;
    sw.send(rewrite(commit!, cXid, 4));
    fx.add('error-onf-bundle-commit-entry', await sw.next((m) => m.readUInt32BE(4) === ovXid, 'entry error'), src('the error OVS sends for the failing message of a commit (check_overlap flow overlapping an installed one)'));
    fx.add('error-onf-bundle-commit-failed', await sw.next((m) => m.readUInt32BE(4) === cXid, 'commit error'), src('the error answering that COMMIT_REQUEST'));
    // A missing meter: not checked at add time either.
    await reply(rewrite(open!, xid++, 5), 'open 5');
    const mXid = xid++;
    sw.send(rewrite(meter, mXid, 5));
    await barrier();
    const c5 = xid++;
    sw.send(rewrite(commit!, c5, 5));
    fx.add('error-onf-bundle-commit-meter-entry', await sw.next((m) => m.readUInt32BE(4) === mXid, 'meter entry error'), src('the error for a bundled FLOW_MOD whose meter 99 does not exist, at COMMIT_REQUEST'));
    await sw.next((m) => m.readUInt32BE(4) === c5, 'commit 5 error');
    console.log(await ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', 'wfbnd0'));
    console.log('left over:', sw.drain().map((m) => m.toString('hex')));
    sw.sock.destroy();
  } finally {
    server.close();
    await ovs.stop();
  }
}

const fx = new FixtureSet();
const sent = await fromOfctl(fx);
console.log(Object.fromEntries(Object.entries(sent).map(([k, v]) => [k, v.map((m) => m.toString('hex'))])));
await fromSwitch(fx, sent);
if (process.argv.includes('--write')) fx.write();
for (const f of fx.fixtures.values()) console.log(f.name, f.hex, '\n', f.ofpPrint);

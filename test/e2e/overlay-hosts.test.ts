/**
 * The overlay app on real Open vSwitch across emulated hosts (test/support/netns-host.ts: one
 * namespace and one private userspace ovs-vswitchd per host, br-phy bridges joined by veth
 * wires). Per mode (vxlan, routed): hosts a and b come from the config, a workload on a pings
 * and sends a checked fixed-size TCP transfer to one on b, tcpdump on the a-b wire shows VXLAN
 * with the VNI (vxlan) or the workloads' own addresses and no UDP 4789 (routed), then host c
 * joins over REST and is reachable at once. REST input errors answer 400/404/409.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { requireRoot, sleep, waitFor } from '../support/e2e.js';
import { exitPort, nsx, sh, startNsHost, wire } from '../support/netns-host.js';
import type { NsHost } from '../support/netns-host.js';
import { ensureBuilt, freePort, startWeftProcess } from '../support/weft-process.js';

requireRoot();
for (const tool of ['tcpdump', 'ethtool', 'nc', 'sha256sum']) {
  if (spawnSync('which', [tool]).status !== 0) throw new Error(`${tool} is required (apt-get install tcpdump ethtool netcat-openbsd coreutils)`);
}


const VNI = 4242;
const CONTROLLER = '169.254.77.1';
const BYTES = 3 * 1024 * 1024;

interface HostView { name: string; dpid: string; underlay: string; subnet: string; gateway: string; connected: boolean }

const podAddr = (h: HostView, n: number) => h.subnet.replace(/\.0\/\d+$/, `.${n}`);

/** tcpdump on a host's interface while `during` runs; the text it printed. */
async function capture(h: NsHost, iface: string, filter: string, during: () => Promise<unknown>): Promise<string> {
  const p = spawn('ip', ['netns', 'exec', h.ns, 'tcpdump', '-i', iface, '-nn', '-l', '-c', '6', filter], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((r) => p.once('exit', r));
  let out = '';
  p.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  let err = '';
  p.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  await waitFor(() => err.includes('listening on'), 5000, 'tcpdump listening');
  await during();
  await sleep(500);
  p.kill('SIGTERM');
  await exited;
  return out;
}

/** A checked transfer: BYTES random bytes from pod `from` to `toIp`:5001 on pod `to`; returns [sent, received] as "bytes sha256". */
async function transfer(from: string, to: string, toIp: string, file: string): Promise<[string, string]> {
  const srv = spawn('ip', ['netns', 'exec', to, 'sh', '-c', 'nc -l 5001 > "$0.recv"; echo "$(wc -c < "$0.recv") $(sha256sum < "$0.recv" | cut -d" " -f1)"; rm -f "$0.recv"', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let got = '';
  srv.stdout.setEncoding('utf8').on('data', (c: string) => (got += c));
  const done = new Promise((r) => srv.once('exit', r));
  await sleep(300);
  await sh('ip', ['netns', 'exec', from, 'sh', '-c', `nc -N -w 10 ${toIp} 5001 < "${file}"`], undefined, 30_000);
  await Promise.race([done, sleep(15_000)]);
  srv.kill();
  const sent = (await sh('sh', ['-c', `echo "$(wc -c < "${file}") $(sha256sum < "${file}" | cut -d" " -f1)"`])).trim();
  return [sent, got.trim()];
}

// Building dist (when sources changed) is not part of either scenario's time.
await ensureBuilt();

for (const mode of ['vxlan', 'routed'] as const) {
  t.test(`overlay ${mode}: two hosts, a workload transfer, a third host joining over REST`, { timeout: 120_000 }, async (t) => {
    const tag = `${mode[0]}${process.pid % 1000}`;
    const tmp = mkdtempSync(join(tmpdir(), 'weft-overlay-'));
    t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
    const port = await freePort();
    const hosts: NsHost[] = [];
    t.teardown(() => hosts.forEach((h) => h.stop()));
    const mk = async (n: string, i: number) => {
      const h = await startNsHost({ tag: `${tag}${n}`, index: i, controller: CONTROLLER, controllerPort: port, dpid: `00000000000000${(0xa0 + i).toString(16)}`, underlayIp: `172.31.0.${i + 1}` });
      hosts.push(h);
      await exitPort(h, mode);
      return h;
    };
    const A = await mk('a', 0);
    const B = await mk('b', 1);
    await wire(A, B, 'wab', 'wba');
    const config = join(tmp, 'weft.json');
    writeFileSync(config, JSON.stringify({
      apps: ['overlay'],
      appOptions: { overlay: { mode, clusterCidr: '10.244.0.0/16', subnetPrefix: 24, vni: VNI, hosts: [
        { name: 'a', dpid: '00000000000000a0', underlay: '172.31.0.1' },
        { name: 'b', dpid: '00000000000000a1', underlay: '172.31.0.2' },
      ] } },
    }));
    const weft = await startWeftProcess({ openflowHost: CONTROLLER, openflowPort: port, args: ['--config', config], readyTimeoutMs: 45_000 });
    t.teardown(() => weft.stop());
    const api = `http://127.0.0.1:${weft.restPort}/api/v1/apps/overlay`;
    const rest = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(api + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: (await r.json().catch(() => undefined)) as unknown };
    };
    const view = async () => (await rest('GET', '/hosts')).body as HostView[];
    await waitFor(async () => (await view()).every((h) => h.connected), 20_000, 'both host bridges connected');
    await waitFor(async () => (await A.ofctl('dump-flows', 'br-int')).includes('priority=200'), 20_000, 'a has its route to b');
    const [va, vb] = await view();
    t.same([va!.subnet, vb!.subnet], ['10.244.0.0/24', '10.244.1.0/24'], 'a /24 per host, allocated in order');

    const pa = await A.addPod(`${tag}a1`, 1, `${podAddr(va!, 10)}/24`, va!.gateway, 1450);
    const pb = await B.addPod(`${tag}b1`, 1, `${podAddr(vb!, 10)}/24`, vb!.gateway, 1450);
    // The first packets teach weft where the workloads are (ARP for the gateway, probes).
    await waitFor(async () => nsx(pa, 'ping', '-c', '1', '-W', '1', podAddr(vb!, 10)).then(() => true, () => false), 20_000, 'a1 reaches b1');
    const ping = await nsx(pa, 'ping', '-c', '3', '-i', '0.3', '-W', '2', podAddr(vb!, 10));
    t.match(ping, /3 packets transmitted, 3 received/, 'a1 pings b1 without loss');

    const file = join(tmp, 'payload');
    await sh('sh', ['-c', `head -c ${BYTES} /dev/urandom > "${file}"`]);
    const [sent, received] = await transfer(pa, pb, podAddr(vb!, 10), file);
    t.ok(sent.startsWith(`${BYTES} `), `sent ${sent}`);
    t.equal(received, sent, 'b1 received every byte, same sha256');

    const wireText = await capture(A, 'wab', mode === 'vxlan' ? 'udp port 4789' : 'icmp or udp port 4789', () => nsx(pa, 'ping', '-c', '3', '-i', '0.2', podAddr(vb!, 10)));
    if (mode === 'vxlan') {
      t.match(wireText, new RegExp(`172\\.31\\.0\\.1\\.\\d+ > 172\\.31\\.0\\.2\\.4789: VXLAN.*vni ${VNI}`), 'the underlay carries VXLAN between the hosts, with the VNI');
      t.match(wireText, new RegExp(`${podAddr(va!, 10).replace(/\./g, '\\.')} > ${podAddr(vb!, 10).replace(/\./g, '\\.')}: ICMP echo request`), 'the inner packet is the workloads\'');
    } else {
      t.match(wireText, new RegExp(`${podAddr(va!, 10).replace(/\./g, '\\.')} > ${podAddr(vb!, 10).replace(/\./g, '\\.')}: ICMP echo request`), 'the underlay carries the workloads\' own addresses');
      t.notMatch(wireText, /4789|VXLAN/, 'no UDP 4789 on the underlay');
    }

    // REST input errors.
    t.equal((await rest('POST', '/hosts', { name: 'x', dpid: 'zz', underlay: '172.31.0.9' })).status, 400, 'bad dpid: 400');
    t.equal((await rest('POST', '/hosts', { name: 'x', dpid: 'c0', underlay: '300.1.1.1' })).status, 400, 'bad underlay: 400');
    t.equal((await rest('POST', '/hosts', { name: 'x', dpid: 'c0', underlay: '172.31.0.9', subnet: '10.9.0.0/24' })).status, 400, 'subnet outside the range: 400');
    t.equal((await rest('POST', '/hosts', { name: 'a', dpid: 'c0', underlay: '172.31.0.9' })).status, 409, 'duplicate name: 409');
    t.equal((await rest('GET', '/hosts/nope')).status, 404, 'unknown host: 404');
    t.equal((await rest('DELETE', '/hosts/nope')).status, 404, 'delete unknown host: 404');

    // A third host joins at run time.
    const C = await mk('c', 2);
    await wire(A, C, 'wac', 'wca');
    const joined = await rest('POST', '/hosts', { name: 'c', dpid: '00000000000000a2', underlay: '172.31.0.3' });
    t.equal(joined.status, 201, 'c joins: 201');
    const vc = joined.body as HostView;
    t.equal(vc.subnet, '10.244.2.0/24', 'c gets the next /24');
    const pc = await C.addPod(`${tag}c1`, 1, `${podAddr(vc, 10)}/24`, vc.gateway, 1450);
    // The first packets also resolve the underlay (OVS's tunnel ARP towards c) on a and b.
    await waitFor(async () => nsx(pc, 'ping', '-c', '1', '-W', '1', podAddr(va!, 10)).then(() => true, () => false), 20_000, 'c1 reaches a1');
    await waitFor(async () => nsx(pb, 'ping', '-c', '1', '-W', '1', podAddr(vc, 10)).then(() => true, () => false), 20_000, 'b1 reaches c1');
    t.match(await nsx(pa, 'ping', '-c', '3', '-i', '0.3', '-W', '2', podAddr(vc, 10)), /3 received/, 'a1 pings c1');
    t.match(await nsx(pb, 'ping', '-c', '3', '-i', '0.3', '-W', '2', podAddr(vc, 10)), /3 received/, 'b1 pings c1 (across a\'s underlay switch)');

    // c leaves: b has no route to it any more.
    t.equal((await rest('DELETE', '/hosts/c')).status, 200, 'c leaves');
    await waitFor(async () => !(await B.ofctl('dump-flows', 'br-int')).includes('10.244.2.0/24'), 10_000, 'b drops its route to c');
  });
}

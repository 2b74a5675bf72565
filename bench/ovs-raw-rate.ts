/**
 * The ceiling for any controller's flow programming on this machine: how fast Open vSwitch
 * takes 100,000 flow-mods when the controller does no work at all. A raw OpenFlow peer (no
 * weft) plays the controller of a fresh private OVS bridge, encodes the bench flows
 * (bench/flows-ovs.ts's shape) before the clock starts, writes them in one buffer and waits
 * for a barrier: wall time, ovs-vswitchd's CPU time, dump-flows' count. Modes:
 *   tcp-plain, tls-plain: FLOW_MODs over TCP or TLS (certificates from ovs-pki);
 *   tcp-bundle, tls-bundle: one atomic ONF bundle (OF1.3 extension 230): the adds + a
 *   barrier, then the commit, each timed.
 *   node --import tsx bench/ovs-raw-rate.ts [modes=tcp-plain,tcp-bundle,tls-plain,tls-bundle] [flows=100000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { encode, onf, Writer } from '../protocol/index.js';
import { flowModFromFriendly } from '../src/rest/flow-json.js';
import { startOvs } from '../test/support/ovs.js';
import { benchFlows } from './flows-ovs.js';

const FLAGS = onf.OFPBF.ATOMIC | onf.OFPBF.ORDERED;

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function header(type: number, length: number, xid: number): Buffer {
  const b = Buffer.alloc(length);
  b[0] = 4;
  b[1] = type;
  b.writeUInt16BE(length, 2);
  b.writeUInt32BE(xid, 4);
  return b;
}

/** A minimal OpenFlow peer: answers echoes, resolves requests by xid, counts errors. */
class RawPeer {
  #pending: Buffer = Buffer.alloc(0);
  #waiters = new Map<number, (m: Buffer) => void>();
  #xid = 100;
  errors = 0;
  constructor(readonly sock: Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.#read(d));
    sock.write(header(0, 8, 1));
  }
  nextXid(): number {
    return ++this.#xid;
  }
  #read(d: Buffer): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, d]) : d;
    while (this.#pending.length >= 8) {
      const len = this.#pending.readUInt16BE(2);
      if (this.#pending.length < len) break;
      const m = this.#pending.subarray(0, len);
      this.#pending = this.#pending.subarray(len);
      if (m[1] === 2) {
        const reply = Buffer.from(m);
        reply[1] = 3;
        this.sock.write(reply);
        continue;
      }
      if (m[1] === 1) this.errors++;
      const xid = m.readUInt32BE(4);
      this.#waiters.get(xid)?.(m);
      this.#waiters.delete(xid);
    }
  }
  request(msg: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.#waiters.set(msg.readUInt32BE(4), resolve);
      this.sock.write(msg);
    });
  }
  barrier(): Promise<Buffer> {
    return this.request(header(20, 8, this.nextXid()));
  }
  bundleControl(ctrlType: number): Buffer {
    return Buffer.from(encode({ type: 'bundleControl', xid: this.nextXid(), bundleId: 1, ctrlType, flags: FLAGS, properties: new Uint8Array(0) }));
  }
  /** Bundle adds of `inners`, in one buffer (the codec gives each inner message its add's xid). */
  bundleAdds(inners: readonly Buffer[]): Buffer {
    const w = new Writer(inners.length * 128);
    for (const m of inners) {
      const start = w.pos;
      onf.writeBundleAdd(w, 1, FLAGS, m);
      const xid = this.nextXid();
      w.dv.setUint32(start + 4, xid);
      w.dv.setUint32(start + onf.bundleAddInnerXidAt(w.buf, start, w.pos), xid);
    }
    return Buffer.from(w.buf.subarray(0, w.pos));
  }
}

export type RawMode = 'tcp-plain' | 'tcp-bundle' | 'tls-plain' | 'tls-bundle';

export interface RawRate {
  mode: RawMode;
  flows: number;
  wallMs: number;
  flowsPerSecond: number;
  /** Bundle modes: the adds and their barrier, then the commit. */
  addsMs?: number;
  commitMs?: number;
  /** ovs-vswitchd's CPU time (all its threads) over wallMs. */
  ovsCpuMs: number;
  /** Flows of the bench table in dump-flows afterwards. */
  count: number;
  errors: number;
  load1: number;
}

export type Certs = ReturnType<typeof pki>;

/** Controller and switch certificates from ovs-pki in `dir` (as test/e2e/tls.test.ts makes them). */
export function pki(dir: string): { key: string; cert: string; ca: string; switchKey: string; switchCert: string; controllerCa: string } {
  const run = (...args: string[]) => execFileSync('ovs-pki', [`--dir=${join(dir, 'pki')}`, `--log=${join(dir, 'pki.log')}`, ...args], { cwd: dir, stdio: 'ignore' });
  run('init');
  run('req+sign', 'ctl', 'controller');
  run('req+sign', 'sw', 'switch');
  return {
    key: join(dir, 'ctl-privkey.pem'),
    cert: join(dir, 'ctl-cert.pem'),
    ca: join(dir, 'pki', 'switchca', 'cacert.pem'),
    switchKey: join(dir, 'sw-privkey.pem'),
    switchCert: join(dir, 'sw-cert.pem'),
    controllerCa: join(dir, 'pki', 'controllerca', 'cacert.pem'),
  };
}

/** One measurement per mode, each into a fresh private OVS. */
export async function ovsRawRates(modes: readonly RawMode[], n = 100_000): Promise<RawRate[]> {
  const flows = benchFlows(n).map((f) => encode(flowModFromFriendly(f, 'add')));
  const dir = mkdtempSync(join(tmpdir(), 'weft-raw-rate-'));
  try {
    const certs = modes.some((m) => m.startsWith('tls')) ? pki(dir) : undefined;
    const out: RawRate[] = [];
    for (const mode of modes) out.push(await rawRate(mode, flows, certs));
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawRate(mode: RawMode, flows: Buffer[], certs: Certs | undefined): Promise<RawRate> {
  const tls = mode.startsWith('tls');
  const server: Server = tls
    ? createTlsServer({ key: readFileSync(certs!.key), cert: readFileSync(certs!.cert), ca: readFileSync(certs!.ca), requestCert: true, rejectUnauthorized: true })
    : createTcpServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const connected = new Promise<Socket>((r) => server.once(tls ? 'secureConnection' : 'connection', r));
  const ovs = await startOvs();
  try {
    const pid = Number(readFileSync(join(ovs.dir, 'ovs-vswitchd.pid'), 'utf8').trim());
    if (tls) await ovs.vsctl('set-ssl', certs!.switchKey, certs!.switchCert, certs!.controllerCa);
    const br = ovs.uniqueName('wbr');
    await ovs.addBridge(br, { failMode: 'secure', controller: `${tls ? 'ssl' : 'tcp'}:127.0.0.1:${(server.address() as AddressInfo).port}` });
    const peer = new RawPeer(await connected);
    await peer.barrier();
    const load1 = loadavg()[0]!;
    const c0 = cpuMs(pid);
    const t0 = performance.now();
    let addsMs: number | undefined;
    let commitMs: number | undefined;
    if (mode.endsWith('plain')) {
      for (const m of flows) m.writeUInt32BE(peer.nextXid(), 4);
      peer.sock.write(Buffer.concat(flows));
      await peer.barrier();
    } else {
      await peer.request(peer.bundleControl(onf.OFPBCT.OPEN_REQUEST));
      peer.sock.write(peer.bundleAdds(flows));
      await peer.barrier();
      addsMs = Math.round(performance.now() - t0);
      await peer.request(peer.bundleControl(onf.OFPBCT.COMMIT_REQUEST));
      commitMs = Math.round(performance.now() - t0 - addsMs);
    }
    const wallMs = Math.round(performance.now() - t0);
    const ovsCpuMs = cpuMs(pid) - c0;
    const count = (await ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', br, 'table=7')).split('\n').filter((l) => l.includes('priority=1000')).length;
    peer.sock.destroy();
    return { mode, flows: flows.length, wallMs, flowsPerSecond: Math.round((flows.length / wallMs) * 1000), addsMs, commitMs, ovsCpuMs, count, errors: peer.errors, load1 };
  } finally {
    server.close();
    await ovs.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const modes = (process.argv[2] ?? 'tcp-plain,tcp-bundle,tls-plain,tls-bundle').split(',') as RawMode[];
  for (const r of await ovsRawRates(modes, Number(process.argv[3] ?? 100_000))) console.log(JSON.stringify(r));
}

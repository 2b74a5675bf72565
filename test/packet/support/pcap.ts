import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A classic libpcap file (LINKTYPE_ETHERNET, microsecond timestamps) holding `frames`. */
export function pcapBytes(frames: readonly Uint8Array[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); // magic: microsecond resolution, little-endian fields
  head.writeUInt16LE(2, 4); // version 2.4
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16); // snaplen
  head.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    parts.push(rec, Buffer.from(f));
  });
  return Buffer.concat(parts);
}

/** Run a tool over a temporary pcap of `frames`; returns its stdout (throws on failure). */
function withPcap(frames: readonly Uint8Array[], cmd: string, args: (file: string) => string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-pcap-'));
  try {
    const file = join(dir, 'frames.pcap');
    writeFileSync(file, pcapBytes(frames));
    const res = spawnSync(cmd, args(file), { encoding: 'utf8', timeout: 10_000 });
    if (res.error) throw res.error;
    if (res.status !== 0) throw new Error(`${cmd} exited ${res.status}: ${res.stderr}`);
    return res.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * tcpdump's verbose text for each frame (-e link headers, -nn numeric, -vv checksums verified,
 * -t no timestamps), one string per packet (continuation lines joined with a space).
 */
export function tcpdump(frames: readonly Uint8Array[]): string[] {
  const out = withPcap(frames, 'tcpdump', (f) => ['-r', f, '-e', '-nn', '-vv', '-t']);
  const pkts: string[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    if (/^\s/.test(line) && pkts.length > 0) pkts[pkts.length - 1] += ' ' + line.trim();
    else pkts.push(line.trim());
  }
  return pkts;
}

/** The oracle tests fail (never skip) without their tool: .ci/run installs it. */
export function requireCommand(cmd: string, arg = '--version'): void {
  const res = spawnSync(cmd, [arg], { encoding: 'utf8', timeout: 60_000 });
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${cmd} is not installed: the oracle needs it (.ci/run installs it)`);
}

/**
 * Open vSwitch's own packet parser (flow_extract) as an oracle: wrap `frame` in a hand-built
 * OpenFlow 1.3 PACKET_IN (so no weft codec is involved) and return the flow line that
 * `ovs-ofctl ofp-print` prints for its data, e.g. "udp,vlan_tci=0x0000,dl_src=...".
 */
export function ovsFlow(frame: Uint8Array): string {
  const len = 8 + 16 + 8 + 2 + frame.length;
  const b = Buffer.alloc(len);
  b.writeUInt8(4, 0); // OpenFlow 1.3
  b.writeUInt8(10, 1); // OFPT_PACKET_IN
  b.writeUInt16BE(len, 2);
  b.writeUInt32BE(1, 4); // xid
  b.writeUInt32BE(0xffffffff, 8); // OFP_NO_BUFFER
  b.writeUInt16BE(frame.length, 12); // total_len; reason, table_id, cookie stay 0
  b.writeUInt16BE(1, 24); // empty OXM match: type OFPMT_OXM, length 4, 4 bytes of padding
  b.writeUInt16BE(4, 26);
  Buffer.from(frame).copy(b, 34); // after 2 more bytes of padding
  const res = spawnSync('ovs-ofctl', ['ofp-print', b.toString('hex')], { encoding: 'utf8', timeout: 10_000 });
  if (res.error) throw res.error;
  const lines = res.stdout.split('\n');
  if (!lines[0]?.startsWith('OFPT_PACKET_IN') || !lines[1]) throw new Error(`unexpected ovs-ofctl output: ${res.stdout}${res.stderr}`);
  return lines[1];
}

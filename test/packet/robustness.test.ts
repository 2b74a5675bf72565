/** The decoder never throws: truncated frames at every length, random bytes, mutated frames. */
import t from 'tap';
import { packet as P } from '../../protocol/index.js';
import { sampleFrames } from './support/samples.js';

/** mulberry32: a small seeded PRNG so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parse and touch every lazily formatted field; returns a problem description or ''. */
function check(data: Uint8Array): string {
  let f: P.ParsedFrame;
  try {
    f = P.parseFrame(data);
    JSON.stringify(f);
    void [f.eth.dstNum, f.eth.srcNum, f.ipv6?.srcBytes, f.arp?.spa];
  } catch (e) {
    return `threw ${String(e)}`;
  }
  if (!f.eth) return 'no eth';
  if (f.error?.startsWith('internal')) return f.error;
  if (f.payloadOffset < 0 || f.payloadOffset > data.length) return `payloadOffset ${f.payloadOffset} outside 0..${data.length}`;
  if (f.error !== undefined && typeof f.error !== 'string') return 'error not a string';
  return '';
}

t.test('every truncation of every sample frame', async (t) => {
  for (const { name, frame } of sampleFrames()) {
    const full = P.parseFrame(frame);
    t.equal(full.error, undefined, `${name}: the whole frame decodes cleanly`);
    // Where the headers end: LLDP needs its End TLV, the rest the last header they carry.
    const headerEnd = full.lldp ? frame.length : full.payloadOffset;
    const l3 = 14 + full.eth.vlans.length * 4;
    const ipEnd = full.ipv4 ? l3 + full.ipv4.totalLength : full.ipv6 ? l3 + 40 + full.ipv6.payloadLength : 0;
    const problems: string[] = [];
    for (let n = 0; n < frame.length; n++) {
      const cut = frame.subarray(0, n);
      const p = check(cut);
      if (p) problems.push(`${n}: ${p}`);
      const f = P.parseFrame(cut);
      // An NDP message cut exactly between options is a whole message without them (and truncated).
      const ndpBoundary = full.icmpv6 !== undefined && f.icmpv6 !== undefined && f.truncated === true;
      if (n < headerEnd && f.error === undefined && !ndpBoundary) problems.push(`${n}: cut inside the headers but no error`);
      if (n >= headerEnd && f.error !== undefined) problems.push(`${n}: cut after the headers but error ${f.error}`);
      if (n < ipEnd && n >= l3 + 20 && full.ipv4 && f.truncated !== true) problems.push(`${n}: ipv4 cut without truncated`);
      if (n < ipEnd && n >= l3 + 40 && full.ipv6 && f.truncated !== true) problems.push(`${n}: ipv6 cut without truncated`);
      if (n < 14 && !/^ethernet: needs 14 bytes at offset 0, \d+ left$/.test(f.error ?? '')) problems.push(`${n}: ${f.error}`);
    }
    t.same(problems, [], `${name}: ${frame.length} truncations`);
  }
});

t.test('the error names the header and offset where decoding stopped', async (t) => {
  const udp = sampleFrames()[0]!.frame;
  const f = P.parseFrame(udp.subarray(0, 14 + 20 + 5));
  t.equal(f.error, 'udp: needs 8 bytes at offset 34, 5 left');
  t.equal(f.payloadOffset, 34);
  t.equal(f.ipv4?.src, '192.0.2.10', 'the layers before are kept');
  t.equal(f.truncated, true);
  const short = P.parseFrame(udp.subarray(0, 9));
  t.equal(short.eth.dst, '02:00:5e:00:53:0a', 'a short frame still reports the bytes it has');
  t.equal(short.eth.src, '02:00:5e:00:00:00');
  t.equal(short.eth.ethType, 0);
  const badVersion = udp.slice();
  badVersion[14] = 0x55;
  t.equal(P.parseFrame(badVersion).error, 'ipv4: version 5 at offset 14');
  const badIhl = udp.slice();
  badIhl[14] = 0x44;
  t.equal(P.parseFrame(badIhl).error, 'ipv4: header length 16 < 20 at offset 14');
  t.equal(P.parseIpPacket(new Uint8Array(0)).error, 'ip: empty packet');
  t.equal(P.parseIpPacket(Uint8Array.of(0x20)).error, 'ip: version 2 at offset 0');
});

t.test('seeded random garbage never throws', async (t) => {
  const rand = rng(0x5eed);
  const types = [0x0800, 0x86dd, 0x0806, 0x88cc, 0x8100, 0x88a8, 0x9100];
  const problems: string[] = [];
  let decodedDeep = 0;
  for (let i = 0; i < 3000; i++) {
    const b = new Uint8Array(Math.floor(rand() * 140));
    for (let j = 0; j < b.length; j++) b[j] = Math.floor(rand() * 256);
    // Steer most cases past Ethernet so the inner decoders see garbage too.
    if (b.length >= 15 && rand() < 0.85) {
      const ty = types[Math.floor(rand() * types.length)]!;
      b[12] = ty >> 8;
      b[13] = ty & 0xff;
      const pick = (xs: number[]) => xs[Math.floor(rand() * xs.length)]!;
      if (ty === 0x0800 && b.length >= 34) {
        b[14] = 0x45 + (rand() < 0.2 ? Math.floor(rand() * 11) : 0);
        if (rand() < 0.8) b[20] = b[21] = 0; // first fragment
        b[23] = pick([1, 6, 17, 1, 6, 17, 2]);
      }
      if (ty === 0x86dd && b.length >= 54) {
        b[14] = 0x60 | (b[14]! & 0x0f);
        b[20] = pick([58, 6, 17, 0, 43, 44, 60, 51, 50]);
        if (rand() < 0.5) b[54] = pick([128, 129, 133, 134, 135, 136, 137, 1, 2, 3, 4]);
      }
      if (ty === 0x0806 && b.length >= 20 && rand() < 0.7) b.set([0, 1, 8, 0, 6, 4], 14);
    }
    const p = check(b);
    if (p) problems.push(`case ${i} (${Buffer.from(b).toString('hex')}): ${p}`);
    const f = P.parseFrame(b);
    if (f.udp || f.tcp || f.icmp || f.icmpv6 || f.arp || f.lldp) decodedDeep++;
    const ip = b.subarray(14);
    try {
      JSON.stringify(P.parseIpPacket(ip));
    } catch (e) {
      problems.push(`case ${i} parseIpPacket threw ${String(e)}`);
    }
  }
  t.same(problems.slice(0, 5), []);
  t.ok(decodedDeep > 300, `garbage reached the upper-layer decoders (${decodedDeep} times)`);
});

t.test('seeded mutations of valid frames never throw', async (t) => {
  const rand = rng(0xfeed);
  const samples = sampleFrames();
  const problems: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const src = samples[i % samples.length]!.frame;
    const b = src.slice(0, rand() < 0.3 ? Math.floor(rand() * src.length) : src.length);
    const flips = 1 + Math.floor(rand() * 4);
    for (let k = 0; k < flips && b.length > 0; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    const p = check(b);
    if (p) problems.push(`case ${i} (${Buffer.from(b).toString('hex')}): ${p}`);
  }
  t.same(problems.slice(0, 5), []);
});

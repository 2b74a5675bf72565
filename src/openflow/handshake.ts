import { OFP_VERSION } from '../../protocol/index.js';
import type { DescStats, Hello, MultipartReplyBody, OfMessage, Port } from '../../protocol/index.js';

/** Our HELLO: version 1.3 in the header and a bitmap offering only 1.3 (bit 4). */
export function ourHello(xid: number): Hello {
  return { type: 'hello', xid, version: OFP_VERSION, elements: [{ type: 'versionBitmap', bitmaps: [1 << OFP_VERSION] }] };
}

/**
 * Version negotiation (OpenFlow 1.3.5 section 6.3.1): with a bitmap, 1.3 must be in it; without
 * one, the peer's header version must be 1.3 or later (we then both speak 1.3). Returns undefined
 * when 1.3 was agreed, or the reason for HELLO_FAILED/INCOMPATIBLE.
 */
export function negotiate(hello: Hello): string | undefined {
  const peerVersion = hello.version ?? OFP_VERSION;
  const bitmap = hello.elements.find((e) => e.type === 'versionBitmap');
  if (bitmap && bitmap.type === 'versionBitmap') {
    const word = bitmap.bitmaps[0] ?? 0;
    if (word & (1 << OFP_VERSION)) return undefined;
    return `we support version 0x04, peer supports ${bitmapVersions(bitmap.bitmaps)}`;
  }
  if (peerVersion >= OFP_VERSION) return undefined;
  return `we support version 0x04, peer supports version 0x0${peerVersion.toString(16)}`;
}

function bitmapVersions(bitmaps: number[]): string {
  const versions: string[] = [];
  bitmaps.forEach((word, i) => {
    for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) versions.push(`0x${(i * 32 + bit).toString(16).padStart(2, '0')}`);
  });
  return versions.length ? `versions ${versions.join(', ')}` : 'no version';
}

/**
 * OpenFlow wire versions that exist (1.0 .. 1.5). A first byte outside this range means the peer
 * is not speaking OpenFlow at all (an HTTP request starts with 'G', a TLS ClientHello with 0x16):
 * there is no point answering it with an OpenFlow ERROR or waiting for a length it never meant.
 */
export function plausibleVersion(byte: number): boolean {
  return byte >= 1 && byte <= 6;
}

/** Messages a switch sends on its own; everything else with a known xid is a reply. */
export function isAsync(msg: OfMessage): boolean {
  return msg.type === 'packetIn' || msg.type === 'flowRemoved' || msg.type === 'portStatus';
}

/** 16 lowercase hex digits, as OVS prints a datapath id. */
export function dpidString(datapathId: bigint): string {
  return datapathId.toString(16).padStart(16, '0');
}

/** A short hex preview of bytes for a log line. */
export function hexPreview(bytes: Uint8Array, max = 16): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max));
  return b.toString('hex') + (bytes.length > max ? '...' : '');
}

/**
 * The ports of a PORT_DESC reply (all its parts): at most `maxPorts` (a port listed again
 * replaces itself); `over` counts the ports left out.
 */
export function portsFromDesc(bodies: readonly MultipartReplyBody[], maxPorts: number): { ports: Map<number, Port>; over: number } {
  const ports = new Map<number, Port>();
  let over = 0;
  for (const b of bodies) {
    if (b.kind !== 'portDesc') continue;
    for (const p of b.ports) {
      if (ports.has(p.portNo) || ports.size < maxPorts) ports.set(p.portNo, p);
      else over++;
    }
  }
  return { ports, over };
}

/** The switch's description from a DESC reply, if it has one. */
export function descFromBodies(bodies: readonly MultipartReplyBody[]): DescStats | undefined {
  const d = bodies.find((b) => b.kind === 'desc');
  return d && d.kind === 'desc' ? { mfrDesc: d.mfrDesc, hwDesc: d.hwDesc, swDesc: d.swDesc, serialNum: d.serialNum, dpDesc: d.dpDesc } : undefined;
}

/** Ethernet/IPv4/UDP frames with distinct field values, injected into dummy ports during capture. */

function ipChecksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface UdpFrame {
  dst: string;
  src: string;
  ipSrc: string;
  ipDst: string;
  sport: number;
  dport: number;
  ttl?: number;
  tos?: number;
  payload: Buffer;
}

export function udpFrame(f: UdpFrame): Buffer {
  const mac = (s: string) => Buffer.from(s.replace(/:/g, ''), 'hex');
  const ip4 = (s: string) => Buffer.from(s.split('.').map(Number));
  const eth = Buffer.concat([mac(f.dst), mac(f.src), Buffer.from('0800', 'hex')]);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(f.sport, 0);
  udp.writeUInt16BE(f.dport, 2);
  udp.writeUInt16BE(8 + f.payload.length, 4); // checksum 0: "none" is valid for UDP over IPv4
  const ip = Buffer.alloc(20);
  ip.writeUInt8(0x45, 0);
  ip.writeUInt8(f.tos ?? 0, 1);
  ip.writeUInt16BE(20 + 8 + f.payload.length, 2);
  ip.writeUInt16BE(0x1c46, 4); // identification
  ip.writeUInt8(f.ttl ?? 64, 8);
  ip.writeUInt8(17, 9);
  ip4(f.ipSrc).copy(ip, 12);
  ip4(f.ipDst).copy(ip, 16);
  ip.writeUInt16BE(ipChecksum(ip), 10);
  return Buffer.concat([eth, ip, udp, f.payload]);
}

/**
 * ICMP echo through masquerade, translated by the controller. OpenFlow 1.3 can neither match
 * nor rewrite the ICMP echo identifier, so flows cannot tell apart two inside hosts pinging the
 * same outside address. Instead every echo request from a masqueraded host and every echo
 * reply to the outside address comes to the controller, which rewrites address AND identifier
 * (an id lent by the outside address's pool, like a port) and sends the packet back into the
 * pipeline (output:TABLE) to be routed. Costs a packet-in/packet-out per echo, exact always.
 */
import { internetChecksum, parseIpv4 } from '../../protocol/packet/index.js';

const ETH_LEN = 14;

/** A copy of an untagged IPv4 ICMP echo frame with a new source or destination and echo id; checksums fixed. */
export function rewriteEcho(frame: Uint8Array, change: { src?: string; dst?: string; id: number }): Uint8Array | undefined {
  if (frame.length < ETH_LEN + 20 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  const d = frame.slice();
  const ihl = (d[ETH_LEN]! & 0x0f) * 4;
  const icmp = ETH_LEN + ihl;
  const totalLen = (d[ETH_LEN + 2]! << 8) | d[ETH_LEN + 3]!;
  const end = ETH_LEN + totalLen;
  if (ihl < 20 || icmp + 8 > d.length || end > d.length || end < icmp + 8) return undefined;
  if (change.src) d.set(parseIpv4(change.src), ETH_LEN + 12);
  if (change.dst) d.set(parseIpv4(change.dst), ETH_LEN + 16);
  d[ETH_LEN + 10] = 0;
  d[ETH_LEN + 11] = 0;
  const ipSum = internetChecksum(d.subarray(ETH_LEN, icmp));
  d[ETH_LEN + 10] = ipSum >> 8;
  d[ETH_LEN + 11] = ipSum & 0xff;
  d[icmp + 4] = change.id >> 8;
  d[icmp + 5] = change.id & 0xff;
  d[icmp + 2] = 0;
  d[icmp + 3] = 0;
  const sum = internetChecksum(d.subarray(icmp, end));
  d[icmp + 2] = sum >> 8;
  d[icmp + 3] = sum & 0xff;
  return d;
}

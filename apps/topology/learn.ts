/**
 * What a frame says about the host that sent it: its MAC (unless the frame is not a host's:
 * LLDP, a group source address, all zeros) and the IP addresses it claims for itself: the ARP
 * sender, and the source and advertised target of IPv6 neighbour discovery. Addresses that never
 * name one host (unspecified, broadcast, multicast) are left out.
 *
 * The source address of ordinary IPv4/IPv6 traffic is not a claim: a router's MAC sends packets
 * with everybody's source addresses, which would make the router the holder of every address
 * it forwards for. ARP and neighbour discovery are how hosts announce the addresses they own,
 * and every host uses them before it sends to a neighbour. (ONOS's host provider draws the same
 * line.)
 */
import { ETH_TYPE, ICMPV6_TYPE } from '../../protocol/packet/index.js';
import type { Frame } from '../sdk/index.js';
import type { HostRecord, HostTable } from './hosts.js';

const TWO_40 = 2 ** 40;

/** The sender's MAC, or undefined when the frame does not come from a host we should track. */
export function hostMacOf(frame: Frame): string | undefined {
  const eth = frame.eth;
  if (eth.srcNum === 0 || Math.floor(eth.srcNum / TWO_40) & 1) return undefined;
  if (eth.ethType === ETH_TYPE.LLDP || frame.lldp) return undefined;
  return eth.src;
}

/** hostMacOf as the 48-bit number (Ethernet#srcNum), or -1: no MAC string is made. */
export function hostMacNumOf(frame: Frame): number {
  const eth = frame.eth;
  const n = eth.srcNum;
  if (n === 0 || Math.floor(n / TWO_40) & 1) return -1;
  if (eth.ethType === ETH_TYPE.LLDP || frame.lldp) return -1;
  return n;
}

/** Whether a (canonical dotted) IPv4 address can name one host. */
export function usableIpv4(ip: string): boolean {
  // The first octet read off the characters: no substring per packet-in.
  let first = 0;
  for (let i = 0; i < 3 && i < ip.length; i++) {
    const c = ip.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    first = first * 10 + c;
  }
  return first < 224 && ip !== '0.0.0.0';
}

/** Whether a (canonical) IPv6 address can name one host. */
export function usableIpv6(ip: string): boolean {
  return ip !== '::' && !ip.startsWith('ff');
}

/**
 * Record in `hosts` the addresses the frame claims for `h`; returns the hosts whose addresses
 * changed (undefined when none). This runs for every packet-in and nearly always changes
 * nothing, so it allocates nothing then.
 */
export function learnAddresses(hosts: HostTable, h: HostRecord, frame: Frame): HostRecord[] | undefined {
  const mac = h.mac;
  let changed: HostRecord[] | undefined;
  const arp = frame.arp;
  // A proxy may answer for others with its own MAC in the header; trust the ARP sender only
  // when it is the frame's sender.
  if (arp && arp.sha === mac && usableIpv4(arp.spa)) changed = hosts.addIp(h, arp.spa, 'ipv4', changed);
  const nd = frame.icmpv6;
  const ipv6 = frame.ipv6;
  if (nd === undefined || ipv6 === undefined) return changed;
  const type = nd.type;
  if (type !== ICMPV6_TYPE.NEIGHBOR_SOLICITATION && type !== ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT) return changed;
  // A solicitation's source is the sender's own address (unspecified during duplicate address
  // detection, then left out); its target is the address asked about, not the sender's.
  if (usableIpv6(ipv6.src)) changed = hosts.addIp(h, ipv6.src, 'ipv6', changed);
  if (type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT && nd.target && usableIpv6(nd.target) && (!nd.targetLinkAddr || nd.targetLinkAddr === mac)) {
    if (nd.target !== ipv6.src) changed = hosts.addIp(h, nd.target, 'ipv6', changed);
  }
  return changed;
}

/**
 * What a frame says about the host that sent it: its MAC (unless the frame is not a host's:
 * LLDP, a group source address, all zeros) and the IP addresses it claims (ARP sender, IPv4 and
 * IPv6 source, the target of a neighbour advertisement). Addresses that never name one host
 * (unspecified, broadcast, multicast) are left out.
 */
import { ETH_TYPE, ICMPV6_TYPE } from '../../protocol/packet/index.js';
import type { Frame } from '../sdk/index.js';

const TWO_40 = 2 ** 40;

/** The sender's MAC, or undefined when the frame does not come from a host we should track. */
export function hostMacOf(frame: Frame): string | undefined {
  const eth = frame.eth;
  if (eth.srcNum === 0 || Math.floor(eth.srcNum / TWO_40) & 1) return undefined;
  if (eth.ethType === ETH_TYPE.LLDP || frame.lldp) return undefined;
  return eth.src;
}

function usableIpv4(ip: string): boolean {
  const first = Number(ip.slice(0, ip.indexOf('.')));
  return ip !== '0.0.0.0' && ip !== '255.255.255.255' && first < 224;
}

function usableIpv6(ip: string): boolean {
  return ip !== '::' && !ip.startsWith('ff');
}

export function addressesOf(frame: Frame, mac: string): [string, 'ipv4' | 'ipv6'][] {
  const out: [string, 'ipv4' | 'ipv6'][] = [];
  const arp = frame.arp;
  // A proxy may answer for others with its own MAC in the header; trust the ARP sender only
  // when it is the frame's sender.
  if (arp && arp.sha === mac && usableIpv4(arp.spa)) out.push([arp.spa, 'ipv4']);
  if (frame.ipv4 && usableIpv4(frame.ipv4.src)) out.push([frame.ipv4.src, 'ipv4']);
  if (frame.ipv6) {
    if (usableIpv6(frame.ipv6.src)) out.push([frame.ipv6.src, 'ipv6']);
    const nd = frame.icmpv6;
    if (nd?.type === ICMPV6_TYPE.NEIGHBOR_ADVERTISEMENT && nd.target && usableIpv6(nd.target) && (!nd.targetLinkAddr || nd.targetLinkAddr === mac)) {
      if (nd.target !== frame.ipv6.src) out.push([nd.target, 'ipv6']);
    }
  }
  return out;
}

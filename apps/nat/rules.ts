/**
 * NAT rules, as configured and posted to REST, validated into a normal form:
 *   { type: 'masquerade', inside: '192.168.1.0/24', outside: '203.0.113.100' }
 *   { type: 'static', inside: '192.168.1.3', outside: '203.0.113.103' }
 *   { type: 'forward', protocol: 'tcp', outside: '203.0.113.100:8080', inside: '192.168.1.2:80' }
 * Problems throw HttpError 400 naming the field, so config and REST report them the same way.
 */
import { ipv4ToNumber, isIpv4, numberToIpv4 } from '../../protocol/packet/index.js';
import { HttpError } from '../sdk/index.js';

export type Proto = 'tcp' | 'udp';

export interface MasqueradeRule {
  id: string;
  type: 'masquerade';
  inside: string;
  outside: string;
  /** Parsed: inside network and prefix length, outside address. */
  net: number;
  len: number;
}
export interface StaticRule {
  id: string;
  type: 'static';
  inside: string;
  outside: string;
}
export interface ForwardRule {
  id: string;
  type: 'forward';
  protocol: Proto;
  outside: string;
  inside: string;
  outsideIp: string;
  outsidePort: number;
  insideIp: string;
  insidePort: number;
}
export type NatRule = MasqueradeRule | StaticRule | ForwardRule;

const bad = (field: string, msg: string): never => {
  throw HttpError.badRequest(`${field}: ${msg}`, field);
};

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') bad(k, v === undefined ? 'is required' : `expected a string, got ${JSON.stringify(v)}`);
  return v as string;
}

function ip(field: string, s: string): string {
  if (!isIpv4(s)) bad(field, `${JSON.stringify(s)} is not an IPv4 address`);
  return numberToIpv4(ipv4ToNumber(s));
}

function hostPort(field: string, s: string): [string, number] {
  const m = /^([^:]+):(\d{1,5})$/.exec(s);
  if (!m) bad(field, `${JSON.stringify(s)} is not address:port`);
  const port = Number(m![2]);
  if (port < 1 || port > 65535) bad(field, `port ${port} is not in 1-65535`);
  return [ip(field, m![1]!), port];
}

function only(o: Record<string, unknown>, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) bad(k, `unknown field (known: ${keys.join(', ')})`);
}

/** Validate one rule (without an id: the caller assigns it). */
export function parseRule(body: unknown, id: string): NatRule {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw HttpError.badRequest('a rule must be an object');
  const o = body as Record<string, unknown>;
  const type = o.type;
  switch (type) {
    case 'masquerade': {
      only(o, ['type', 'inside', 'outside', 'id']);
      const inside = str(o, 'inside');
      const m = /^([^/]+)\/(\d{1,2})$/.exec(inside);
      if (!m) bad('inside', `${JSON.stringify(inside)} is not a prefix like 192.168.1.0/24`);
      const len = Number(m![2]);
      if (len < 1 || len > 32) bad('inside', `prefix length ${len} is not in 1-32`);
      const net = ipv4ToNumber(ip('inside', m![1]!));
      const mask = len === 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0;
      if ((net & ~mask) >>> 0 !== 0) bad('inside', `${inside} has host bits set`);
      const outside = ip('outside', str(o, 'outside'));
      if (((ipv4ToNumber(outside) & mask) >>> 0) === net) bad('outside', `${outside} is inside ${inside}`);
      return { id, type, inside: `${numberToIpv4(net)}/${len}`, outside, net, len };
    }
    case 'static': {
      only(o, ['type', 'inside', 'outside', 'id']);
      const inside = ip('inside', str(o, 'inside'));
      const outside = ip('outside', str(o, 'outside'));
      if (inside === outside) bad('outside', 'equals the inside address');
      return { id, type, inside, outside };
    }
    case 'forward': {
      only(o, ['type', 'protocol', 'inside', 'outside', 'id']);
      const protocol = str(o, 'protocol');
      if (protocol !== 'tcp' && protocol !== 'udp') bad('protocol', `expected "tcp" or "udp", got ${JSON.stringify(protocol)}`);
      const [outsideIp, outsidePort] = hostPort('outside', str(o, 'outside'));
      const [insideIp, insidePort] = hostPort('inside', str(o, 'inside'));
      return {
        id, type, protocol: protocol as Proto, outside: `${outsideIp}:${outsidePort}`, inside: `${insideIp}:${insidePort}`,
        outsideIp, outsidePort, insideIp, insidePort,
      };
    }
    default:
      return bad('type', `expected "masquerade", "static" or "forward", got ${JSON.stringify(type)}`);
  }
}

/** Conflicts between a new rule and the existing ones (409). */
export function checkConflicts(rules: readonly NatRule[], r: NatRule): void {
  const conflict = (msg: string) => {
    throw HttpError.conflict(msg);
  };
  for (const x of rules) {
    if (r.type === 'static' && x.type === 'static' && (x.inside === r.inside || x.outside === r.outside)) conflict(`static rule ${x.id} already maps ${x.inside} <-> ${x.outside}`);
    if (r.type === 'forward' && x.type === 'forward' && x.protocol === r.protocol && x.outside === r.outside) conflict(`forward rule ${x.id} already uses ${r.protocol} ${r.outside}`);
    if (r.type === 'masquerade' && x.type === 'masquerade' && x.inside === r.inside) conflict(`masquerade rule ${x.id} already covers ${r.inside}`);
    if (r.type === 'static' && (x.type === 'masquerade' || x.type === 'forward') && (x.type === 'masquerade' ? x.outside : x.outsideIp) === r.outside) {
      conflict(`${r.outside} is already used by ${x.type} rule ${x.id}`);
    }
    if ((r.type === 'masquerade' || r.type === 'forward') && x.type === 'static' && (r.type === 'masquerade' ? r.outside : r.outsideIp) === x.outside) {
      conflict(`${x.outside} is already the address of static rule ${x.id}`);
    }
  }
}

/** The REST/JSON view of a rule (without the parsed helpers). */
export function ruleView(r: NatRule): Record<string, unknown> {
  if (r.type === 'masquerade') return { id: r.id, type: r.type, inside: r.inside, outside: r.outside };
  if (r.type === 'static') return { id: r.id, type: r.type, inside: r.inside, outside: r.outside };
  return { id: r.id, type: r.type, protocol: r.protocol, outside: r.outside, inside: r.inside };
}

/** Whether an address (number) is in a masquerade rule's inside prefix. */
export function inPrefix(r: MasqueradeRule, ipNum: number): boolean {
  const mask = r.len === 32 ? 0xffffffff : (0xffffffff << (32 - r.len)) >>> 0;
  return ((ipNum & mask) >>> 0) === r.net;
}

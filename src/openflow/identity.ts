/**
 * Binding a switch's TLS certificate to the datapath id it claims (like ONOS's strict TLS mode).
 * Chaining to the CA proves a switch is one of ours, not which one: without a binding, any
 * switch holding a valid certificate could claim another switch's datapath id and, with
 * `dpidConflict: replace`, cut it off. With `dpidBinding: 'strict'`, a TLS connection is admitted
 * only if its certificate names the datapath id it announces: the subject CN or a DNS SAN equals
 * `dpidNames[dpid]` when the map has the dpid, else the dpid itself (16 hex digits, case-blind,
 * with or without colons between the bytes).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export type DpidBindingMode = 'off' | 'strict';

export interface DpidBinding {
  mode: DpidBindingMode;
  /** Expected certificate name per dpid (16 lowercase hex digits). */
  names?: Readonly<Record<string, string>>;
}

/** Subject CN, then DNS and IP SANs of the peer's certificate; [] for plain TCP. */
export function certificateNames(socket: Socket): string[] {
  const s = socket as Partial<TLSSocket>;
  if (typeof s.getPeerCertificate !== 'function') return [];
  const cert = s.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return [];
  const names: string[] = [];
  const cn = cert.subject?.CN as string | string[] | undefined;
  if (Array.isArray(cn)) names.push(...cn);
  else if (cn) names.push(cn);
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const m = /^\s*(DNS|IP Address):(.+)$/.exec(part);
    if (m) names.push(m[2]!.trim());
  }
  return names;
}

const normalize = (s: string): string => s.toLowerCase().replace(/:/g, '');

/** undefined when the certificate may speak for `dpid`, else the reason to refuse it. */
export function checkDpidBinding(binding: DpidBinding | undefined, dpid: string, names: readonly string[]): string | undefined {
  if (!binding || binding.mode === 'off') return undefined;
  const expected = binding.names?.[dpid];
  const ok = expected !== undefined ? names.some((n) => n.toLowerCase() === expected.toLowerCase()) : names.some((n) => normalize(n) === dpid);
  if (ok) return undefined;
  const want = expected !== undefined ? `"${expected}" (openflow.tls.dpidNames)` : `the datapath id ${dpid}`;
  return `certificate of ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'no name'} may not claim datapath ${dpid}: expected ${want} as CN or DNS name (openflow.tls.dpidBinding: strict)`;
}

/** A dpidNames key as the config takes it: 16 hex digits, optionally with colons. */
export function canonicalDpid(key: string): string | undefined {
  const hex = normalize(key);
  return /^[0-9a-f]{1,16}$/.test(hex) ? hex.padStart(16, '0') : undefined;
}

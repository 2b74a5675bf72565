/**
 * The LLDP frames topology discovery sends and trusts. Each frame names its switch and port
 * (chassis id "dpid:<16 hex>", port id the port number, both "locally assigned") and carries an
 * organisation-specific TLV with a send time, a sequence number and an HMAC-SHA256 over all of
 * them keyed by a secret drawn when the controller starts. A frame creates a link only if that
 * signature checks out, it is recent, and its sequence number is newer than the last one
 * accepted from the same port: LLDP from hosts, from other controllers (another secret) and
 * replays of our own frames are refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { OFPP } from '../../protocol/index.js';
import { isMac, LLDP_CHASSIS_SUBTYPE, LLDP_PORT_SUBTYPE, lldpFrame } from '../../protocol/packet/index.js';
import type { LldpPdu } from '../../protocol/packet/index.js';
import type { Dpid } from '../sdk/index.js';

/** Our organisation-specific TLV: a CID-style OUI ("w", "f" with the CID nibble) and subtype 1. */
export const WEFT_LLDP_OUI = 0x0a7766;
export const WEFT_LLDP_SUBTYPE = 1;
const MAC_LEN = 8;
const INFO_LEN = 8 + 4 + MAC_LEN;
const CHASSIS_RE = /^dpid:([0-9a-f]{16})$/;
const PORT_RE = /^[0-9]{1,10}$/;

export type LldpVerdict =
  | { ok: true; dpid: Dpid; port: number; sentAt: number }
  | { ok: false; reason: 'foreign' | 'unsigned' | 'bad-signature' | 'stale' | 'replayed' };

export class LldpSigner {
  readonly #secret: Uint8Array;
  #seq = 0;
  /** Send time and sequence number of the last frame accepted per sending port ("dpid/port"). */
  readonly #last = new Map<string, { sentAt: number; seq: number }>();

  constructor(secret: Uint8Array = randomBytes(32)) {
    this.#secret = secret;
  }

  /** The frame to send out of (dpid, port), from the port's MAC. */
  frame(dpid: Dpid, port: number, srcMac: string, now: number, ttlSeconds: number): Uint8Array {
    this.#seq = (this.#seq + 1) >>> 0 || 1;
    const info = new Uint8Array(INFO_LEN);
    const dv = new DataView(info.buffer);
    dv.setBigUint64(0, BigInt(Math.max(0, Math.floor(now))));
    dv.setUint32(8, this.#seq);
    info.set(this.#mac(dpid, port, info.subarray(0, 12)), 12);
    return lldpFrame({
      // A port without a usable MAC still needs a unicast source: a locally administered one.
      src: isMac(srcMac) && !/^0[0:]*$/.test(srcMac) ? srcMac : '02:00:00:00:00:01',
      chassisId: { subtype: LLDP_CHASSIS_SUBTYPE.LOCALLY_ASSIGNED, id: `dpid:${dpid}` },
      portId: { subtype: LLDP_PORT_SUBTYPE.LOCALLY_ASSIGNED, id: String(port) },
      ttl: Math.min(0xffff, Math.max(1, ttlSeconds)),
      systemName: 'weft',
      orgSpecific: [{ oui: WEFT_LLDP_OUI, subtype: WEFT_LLDP_SUBTYPE, info }],
    });
  }

  /**
   * Check a received LLDPDU. `maxAgeMs`: how old its send time may be. A frame accepted here
   * cannot be accepted again (its sequence number is used up for that sending port).
   */
  verify(pdu: LldpPdu, now: number, maxAgeMs: number): LldpVerdict {
    const ch = pdu.chassisId.subtype === LLDP_CHASSIS_SUBTYPE.LOCALLY_ASSIGNED ? CHASSIS_RE.exec(pdu.chassisId.id) : null;
    if (!ch || pdu.portId.subtype !== LLDP_PORT_SUBTYPE.LOCALLY_ASSIGNED || !PORT_RE.test(pdu.portId.id)) return { ok: false, reason: 'foreign' };
    const dpid = ch[1]!;
    const port = Number(pdu.portId.id);
    if (port < 1 || port > OFPP.MAX) return { ok: false, reason: 'foreign' };
    const tlv = pdu.orgSpecific.find((o) => o.oui === WEFT_LLDP_OUI && o.subtype === WEFT_LLDP_SUBTYPE);
    if (!tlv || tlv.info.length !== INFO_LEN) return { ok: false, reason: 'unsigned' };
    const want = this.#mac(dpid, port, tlv.info.subarray(0, 12));
    if (!timingSafeEqual(want, tlv.info.subarray(12))) return { ok: false, reason: 'bad-signature' };
    const dv = new DataView(tlv.info.buffer, tlv.info.byteOffset, tlv.info.length);
    const sentAt = Number(dv.getBigUint64(0));
    // Our own clock signed it: a time ahead of now is not ours; one older than maxAge is a replay.
    if (sentAt > now + 1_000 || now - sentAt > maxAgeMs) return { ok: false, reason: 'stale' };
    const key = `${dpid}/${port}`;
    const seq = dv.getUint32(8);
    // A replay is no newer on both counts. Newer on one suffices: in a cluster the port's
    // switch gets a new master (another signer, its own sequence) and sends later frames.
    const last = this.#last.get(key);
    if (last !== undefined && seq <= last.seq && sentAt <= last.sentAt) return { ok: false, reason: 'replayed' };
    this.#last.set(key, { sentAt, seq });
    return { ok: true, dpid, port, sentAt };
  }

  /** Forget the sequence numbers of a switch that went away. */
  forget(dpid: Dpid): void {
    for (const k of this.#last.keys()) if (k.startsWith(`${dpid}/`)) this.#last.delete(k);
  }

  #mac(dpid: Dpid, port: number, timeAndSeq: Uint8Array): Uint8Array {
    const h = createHmac('sha256', this.#secret);
    h.update(`weft-lldp ${dpid} ${port} `);
    h.update(timeAndSeq);
    return h.digest().subarray(0, MAC_LEN);
  }
}

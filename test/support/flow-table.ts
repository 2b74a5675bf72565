/**
 * An OpenFlow 1.3 flow-table model for tests: flow-mods applied with the spec's semantics
 * (section 6.4): add replaces an identical match+priority, CHECK_OVERLAP, modify/modify-strict
 * (never adds), delete/delete-strict with cookie masks and out_port/out_group filters, idle and
 * hard timeouts on an injected clock; plus lookup and a pipeline trace answering "where does
 * this packet go?". Validation mirrors what Open vSwitch refuses so app bugs show up here.
 */
import { OFPBAC, OFPBIC, OFPBMC, OFPET, OFPFC, OFPFF, OFPFMFC, OFPG_ANY, OFPP, OFPRR, OFPTT_ALL, OFPVID_NONE } from '../../protocol/index.js';
import type { Action, FlowMod, Instruction, Match, OxmFieldName, OxmValueTypes } from '../../protocol/index.js';
import { OxmKind, oxmField } from '../../protocol/openflow/oxm.js';
import { parseIpv4, parseIpv6Into, parseMacInto } from '../../protocol/openflow/oxm-values.js';

/** Header fields of a packet, as OXM values (vlan_vid absent = untagged = OFPVID_NONE). */
export type PacketFields = Partial<OxmValueTypes>;

export interface FlowEntry {
  tableId: number;
  priority: number;
  match: Match;
  instructions: Instruction[];
  cookie: bigint;
  idleTimeout: number;
  hardTimeout: number;
  flags: number;
  packetCount: bigint;
  byteCount: bigint;
  installedAt: number;
  lastUsed: number;
  /** Normalized match: field -> value & mask, mask (all ones when unmasked). */
  readonly norm: ReadonlyMap<OxmFieldName, { value: bigint; mask: bigint }>;
}

export interface ModError {
  errType: number;
  code: number;
  reason: string;
}

export interface Removal {
  entry: FlowEntry;
  /** OFPRR_* */
  reason: number;
}

// ---------------------------------------------------------------- values as bigints

const bytesToBig = (b: Uint8Array) => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);

/** An OXM value as an unsigned bigint, or undefined when it is not a valid value for the field. */
export function fieldBits(name: OxmFieldName, value: unknown): bigint | undefined {
  const def = oxmField(name);
  if (!def) return undefined;
  switch (def.kind) {
    case OxmKind.MAC: {
      const b = new Uint8Array(6);
      return parseMacInto(value, b, 0) ? bytesToBig(b) : undefined;
    }
    case OxmKind.IPV4: {
      const v = parseIpv4(value);
      return v < 0 ? undefined : BigInt(v);
    }
    case OxmKind.IPV6: {
      const b = new Uint8Array(16);
      return parseIpv6Into(value, b, 0) ? bytesToBig(b) : undefined;
    }
    case OxmKind.U64:
      return typeof value === 'bigint' ? value : undefined;
    default:
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? BigInt(value) : undefined;
  }
}

function allOnes(name: OxmFieldName): bigint {
  return (1n << BigInt(oxmField(name)!.width * 8)) - 1n;
}

// ---------------------------------------------------------------- prerequisites (OF1.3.5 table 12)

type Prereq = { field: OxmFieldName; values: number[] };
const ETH = (...values: number[]): Prereq => ({ field: 'eth_type', values });
const PROTO = (...values: number[]): Prereq => ({ field: 'ip_proto', values });
const PREREQS: Partial<Record<OxmFieldName, Prereq[]>> = {
  ip_dscp: [ETH(0x0800, 0x86dd)],
  ip_ecn: [ETH(0x0800, 0x86dd)],
  ip_proto: [ETH(0x0800, 0x86dd)],
  ipv4_src: [ETH(0x0800)],
  ipv4_dst: [ETH(0x0800)],
  tcp_src: [PROTO(6)],
  tcp_dst: [PROTO(6)],
  udp_src: [PROTO(17)],
  udp_dst: [PROTO(17)],
  sctp_src: [PROTO(132)],
  sctp_dst: [PROTO(132)],
  icmpv4_type: [PROTO(1)],
  icmpv4_code: [PROTO(1)],
  arp_op: [ETH(0x0806)],
  arp_spa: [ETH(0x0806)],
  arp_tpa: [ETH(0x0806)],
  arp_sha: [ETH(0x0806)],
  arp_tha: [ETH(0x0806)],
  ipv6_src: [ETH(0x86dd)],
  ipv6_dst: [ETH(0x86dd)],
  ipv6_flabel: [ETH(0x86dd)],
  icmpv6_type: [PROTO(58)],
  icmpv6_code: [PROTO(58)],
  ipv6_nd_target: [{ field: 'icmpv6_type', values: [135, 136] }],
  ipv6_nd_sll: [{ field: 'icmpv6_type', values: [135] }],
  ipv6_nd_tll: [{ field: 'icmpv6_type', values: [136] }],
  mpls_label: [ETH(0x8847, 0x8848)],
  mpls_tc: [ETH(0x8847, 0x8848)],
  mpls_bos: [ETH(0x8847, 0x8848)],
  pbb_isid: [ETH(0x88e7)],
  ipv6_exthdr: [ETH(0x86dd)],
};

const err = (errType: number, code: number, reason: string): ModError => ({ errType, code, reason });

/** Normalize and validate a match the way a switch would; returns the map or an error. */
export function normalizeMatch(match: Match): Map<OxmFieldName, { value: bigint; mask: bigint }> | ModError {
  const norm = new Map<OxmFieldName, { value: bigint; mask: bigint }>();
  for (const e of match) {
    if (e.field === 'opaque') return err(OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, `unknown OXM class ${e.oxmClass} field ${e.oxmField}`);
    const def = oxmField(e.field);
    if (!def) return err(OFPET.BAD_MATCH, OFPBMC.BAD_FIELD, `unknown field ${String(e.field)}`);
    if (norm.has(e.field)) return err(OFPET.BAD_MATCH, OFPBMC.DUP_FIELD, `${e.field} twice`);
    const value = fieldBits(e.field, e.value);
    if (value === undefined) return err(OFPET.BAD_MATCH, OFPBMC.BAD_VALUE, `${e.field}: bad value ${String(e.value)}`);
    let mask = allOnes(e.field);
    if (e.mask !== undefined) {
      if (!def.maskable) return err(OFPET.BAD_MATCH, OFPBMC.BAD_MASK, `${e.field} cannot be masked`);
      const m = fieldBits(e.field, e.mask);
      if (m === undefined) return err(OFPET.BAD_MATCH, OFPBMC.BAD_MASK, `${e.field}: bad mask ${String(e.mask)}`);
      mask = m;
    }
    // Value bits outside the mask are ignored (Open vSwitch clears them).
    norm.set(e.field, { value: value & mask, mask });
  }
  for (const field of norm.keys()) {
    for (const p of PREREQS[field] ?? []) {
      const have = norm.get(p.field);
      if (!have || have.mask !== allOnes(p.field) || !p.values.some((v) => BigInt(v) === have.value)) {
        return err(OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, `${field} needs ${p.field} in ${p.values.join('/')}`);
      }
    }
  }
  if (norm.has('vlan_pcp') && norm.get('vlan_vid')?.value === BigInt(OFPVID_NONE)) {
    return err(OFPET.BAD_MATCH, OFPBMC.BAD_PREREQ, 'vlan_pcp needs a VLAN tag');
  }
  return norm;
}

type Norm = ReadonlyMap<OxmFieldName, { value: bigint; mask: bigint }>;

/** True when every packet `narrow` matches is matched by `wide` (wide's fields are a subset, masks included). */
function covers(wide: Norm, narrow: Norm): boolean {
  for (const [field, w] of wide) {
    const n = narrow.get(field);
    if (!n || (n.mask & w.mask) !== w.mask || (n.value & w.mask) !== w.value) return false;
  }
  return true;
}

function sameMatch(a: Norm, b: Norm): boolean {
  return a.size === b.size && covers(a, b) && covers(b, a);
}

/** True when some packet could match both. */
function overlaps(a: Norm, b: Norm): boolean {
  for (const [field, x] of a) {
    const y = b.get(field);
    if (y && (x.value & y.mask) !== (y.value & x.mask)) return false;
  }
  return true;
}

function actionsOf(instructions: readonly Instruction[]): Action[] {
  return instructions.flatMap((i) => (i.type === 'applyActions' || i.type === 'writeActions' ? i.actions : []));
}

function outputsTo(entry: FlowEntry, port: number, group: number): boolean {
  const acts = actionsOf(entry.instructions);
  const portOk = port === OFPP.ANY || acts.some((a) => a.type === 'output' && a.port === port);
  const groupOk = group === OFPG_ANY || acts.some((a) => a.type === 'group' && a.groupId === group);
  return portOk && groupOk;
}

function checkInstructions(fm: FlowMod, nTables: number): ModError | undefined {
  const seen = new Set<string>();
  for (const i of fm.instructions) {
    if (seen.has(i.type)) return err(OFPET.BAD_INSTRUCTION, OFPBIC.UNSUP_INST, `instruction ${i.type} twice`);
    seen.add(i.type);
    if (i.type === 'gotoTable' && (i.tableId <= fm.tableId || i.tableId >= nTables)) {
      return err(OFPET.BAD_INSTRUCTION, OFPBIC.BAD_TABLE_ID, `goto_table ${i.tableId} from table ${fm.tableId}`);
    }
    if (i.type === 'applyActions' || i.type === 'writeActions') {
      for (const a of i.actions) {
        if (a.type === 'output' && (a.port === 0 || a.port === OFPP.ANY)) return err(OFPET.BAD_ACTION, OFPBAC.BAD_OUT_PORT, `output to port ${a.port}`);
        if (a.type === 'setField' && a.field.field !== 'opaque' && fieldBits(a.field.field, a.field.value) === undefined) {
          return err(OFPET.BAD_ACTION, OFPBAC.BAD_SET_ARGUMENT, `set_field ${a.field.field}: bad value`);
        }
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------- the tables

export class FlowTables {
  #flows: FlowEntry[] = [];

  constructor(
    readonly nTables: number,
    private readonly clock: () => number,
  ) {}

  /** Every flow (of one table), highest priority first. */
  flows(tableId?: number): FlowEntry[] {
    const list = tableId === undefined ? this.#flows : this.#flows.filter((f) => f.tableId === tableId);
    return [...list].sort((a, b) => a.tableId - b.tableId || b.priority - a.priority);
  }

  /** Apply a flow-mod. Returns an error (nothing changed) or the flows it removed. */
  apply(fm: FlowMod): { error: ModError } | { removed: Removal[] } {
    const isAll = fm.tableId === OFPTT_ALL;
    const deleting = fm.command === OFPFC.DELETE || fm.command === OFPFC.DELETE_STRICT;
    if (!(isAll && deleting) && fm.tableId >= this.nTables) return { error: err(OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_TABLE_ID, `table ${fm.tableId}`) };
    const norm = normalizeMatch(fm.match);
    if (!(norm instanceof Map)) return { error: norm };
    switch (fm.command) {
      case OFPFC.ADD:
        return this.#add(fm, norm);
      case OFPFC.MODIFY:
      case OFPFC.MODIFY_STRICT: {
        const bad = checkInstructions(fm, this.nTables);
        if (bad) return { error: bad };
        for (const f of this.#selected(fm, norm, fm.command === OFPFC.MODIFY_STRICT, false)) {
          f.instructions = fm.instructions;
          if (fm.flags & OFPFF.RESET_COUNTS) f.packetCount = f.byteCount = 0n;
        }
        return { removed: [] };
      }
      case OFPFC.DELETE:
      case OFPFC.DELETE_STRICT: {
        const gone = new Set(this.#selected(fm, norm, fm.command === OFPFC.DELETE_STRICT, true));
        this.#flows = this.#flows.filter((f) => !gone.has(f));
        return { removed: [...gone].map((entry) => ({ entry, reason: OFPRR.DELETE })) };
      }
      default:
        return { error: err(OFPET.FLOW_MOD_FAILED, OFPFMFC.BAD_COMMAND, `command ${fm.command}`) };
    }
  }

  #add(fm: FlowMod, norm: Norm): { error: ModError } | { removed: Removal[] } {
    const bad = checkInstructions(fm, this.nTables);
    if (bad) return { error: bad };
    const same = this.#flows.find((f) => f.tableId === fm.tableId && f.priority === fm.priority && sameMatch(f.norm, norm));
    if (fm.flags & OFPFF.CHECK_OVERLAP) {
      const clash = this.#flows.find((f) => f.tableId === fm.tableId && f.priority === fm.priority && f !== same && overlaps(f.norm, norm));
      if (clash || same) return { error: err(OFPET.FLOW_MOD_FAILED, OFPFMFC.OVERLAP, 'overlapping flow') };
    }
    const now = this.clock();
    const entry: FlowEntry = {
      tableId: fm.tableId,
      priority: fm.priority,
      match: fm.match,
      instructions: fm.instructions,
      cookie: fm.cookie,
      idleTimeout: fm.idleTimeout,
      hardTimeout: fm.hardTimeout,
      flags: fm.flags,
      packetCount: 0n,
      byteCount: 0n,
      installedAt: now,
      lastUsed: now,
      norm,
    };
    if (same) {
      // An identical flow is replaced; its counters survive unless RESET_COUNTS (6.4).
      if (!(fm.flags & OFPFF.RESET_COUNTS)) {
        entry.packetCount = same.packetCount;
        entry.byteCount = same.byteCount;
      }
      this.#flows[this.#flows.indexOf(same)] = entry;
    } else {
      this.#flows.push(entry);
    }
    return { removed: [] };
  }

  /** Flows a modify/delete selects: table, match (strict or covered), cookie mask, out_port/group. */
  #selected(fm: FlowMod, norm: Norm, strict: boolean, isDelete: boolean): FlowEntry[] {
    return this.#flows.filter((f) => {
      if (fm.tableId !== OFPTT_ALL && f.tableId !== fm.tableId) return false;
      if (strict ? f.priority !== fm.priority || !sameMatch(f.norm, norm) : !covers(norm, f.norm)) return false;
      if ((f.cookie & fm.cookieMask) !== (fm.cookie & fm.cookieMask)) return false;
      // out_port and out_group filter deletes only; modify ignores them (6.4).
      return !isDelete || outputsTo(f, fm.outPort, fm.outGroup);
    });
  }

  /** The highest-priority flow of a table matching a packet (without touching counters). */
  lookup(tableId: number, fields: PacketFields): FlowEntry | undefined {
    let best: FlowEntry | undefined;
    for (const f of this.#flows) {
      if (f.tableId !== tableId || (best && best.priority >= f.priority)) continue;
      if (matches(f.norm, fields)) best = f;
    }
    return best;
  }

  /** Record a hit (counters, idle timer). */
  hit(entry: FlowEntry, bytes: number): void {
    entry.packetCount++;
    entry.byteCount += BigInt(bytes);
    entry.lastUsed = this.clock();
  }

  /** Remove flows whose hard or idle timeout has passed at `now` (seconds, as the switch counts). */
  expire(now: number = this.clock()): Removal[] {
    const out: Removal[] = [];
    this.#flows = this.#flows.filter((f) => {
      if (f.hardTimeout > 0 && now - f.installedAt >= f.hardTimeout * 1000) out.push({ entry: f, reason: OFPRR.HARD_TIMEOUT });
      else if (f.idleTimeout > 0 && now - f.lastUsed >= f.idleTimeout * 1000) out.push({ entry: f, reason: OFPRR.IDLE_TIMEOUT });
      else return true;
      return false;
    });
    return out;
  }
}

/** Whether a packet with these fields matches a normalized match. */
export function matches(norm: Norm, fields: PacketFields): boolean {
  for (const [field, m] of norm) {
    let raw: unknown = fields[field];
    if (raw === undefined && field === 'vlan_vid') raw = OFPVID_NONE;
    if (raw === undefined) return false;
    const v = fieldBits(field, raw);
    if (v === undefined || (v & m.mask) !== m.value) return false;
  }
  return true;
}

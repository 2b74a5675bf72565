/**
 * Ryu's value conventions (ryu/lib/ofctl_utils.py), learned from its documentation and source:
 *  - integers are parsed like Python's int(str(v), 0): numbers, decimal strings, 0x/0o/0b strings
 *    (a decimal string with a leading zero is refused, as Python refuses it);
 *  - reserved numbers are accepted by name, with or without their prefix ("LOCAL",
 *    "OFPP_LOCAL") and printed by name without it ("OUTPUT:CONTROLLER", table 255 -> "ALL");
 *  - datapath ids are integers in the ofctl_rest routes (decimal or 0x-hex).
 * Every failure is a 400 naming the field (Ryu answers 400 with an empty body).
 */
import { OFP_NO_BUFFER, OFPCML_MAX, OFPCML_NO_BUFFER, OFPCR_ROLE, OFPG_ALL, OFPG_ANY, OFPG_MAX, OFPM_ALL, OFPM_CONTROLLER, OFPM_MAX, OFPM_SLOWPATH, OFPP, OFPQ_ALL, OFPTT_ALL, OFPTT_MAX } from '../../../protocol/index.js';
import { bad, HttpError } from '../errors.js';

export { bad };

const PY_INT = /^[+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[1-9][0-9]*|0+)$/;
const U64_MAX = (1n << 64n) - 1n;

/** Python's int(str(v), 0) as a bigint, or undefined when `v` is not such an integer. */
export function pyInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().replace(/_/g, '');
  if (!PY_INT.test(s)) return undefined;
  const body = s.replace(/^\+/, '');
  if (/^0[oO]/.test(body)) return BigInt(`0o${body.slice(2)}`);
  return BigInt(body);
}

/** An unsigned integer 0..max (max below 2^53), Ryu's str_to_int. */
export function ryuUint(v: unknown, max: number, field: string): number {
  const n = pyInt(v);
  if (n === undefined) return bad(field, `expected an integer, got ${JSON.stringify(v)}`);
  if (n < 0n || n > BigInt(max)) return bad(field, `expected an integer 0-${max}, got ${JSON.stringify(v)}`);
  return Number(n);
}

export function ryuU64(v: unknown, field: string): bigint {
  const n = pyInt(v);
  if (n === undefined) return bad(field, `expected an integer, got ${JSON.stringify(v)}`);
  if (n < 0n || n > U64_MAX) return bad(field, `out of the 64-bit range: ${JSON.stringify(v)}`);
  return n;
}

/** One family of reserved numbers: OFPP_*, OFPTT_*, OFPG_* ... (names without the prefix). */
export class Reserved {
  private readonly byName: Map<string, number>;
  private readonly byValue: Map<number, string>;
  constructor(
    readonly prefix: string,
    names: Record<string, number>,
    readonly max = 0xffffffff,
  ) {
    this.byName = new Map(Object.entries(names));
    // The first name of a value wins, as Ryu's lookup takes the first matching constant.
    this.byValue = new Map();
    for (const [k, v] of Object.entries(names)) if (!this.byValue.has(v)) this.byValue.set(v, k);
  }

  /** A number or a reserved name ("LOCAL", "OFPP_LOCAL", "local"). */
  fromUser(v: unknown, field: string): number {
    if (typeof v === 'string' && pyInt(v) === undefined) {
      const up = v.trim().toUpperCase();
      const n = this.byName.get(up.startsWith(this.prefix) ? up.slice(this.prefix.length) : up);
      if (n === undefined) return bad(field, `expected a number or one of ${[...this.byName.keys()].join(', ')}, got ${JSON.stringify(v)}`);
      return n;
    }
    return ryuUint(v, this.max, field);
  }

  toUser(n: number): number | string {
    return this.byValue.get(n) ?? n;
  }
}

export const PORTS = new Reserved('OFPP_', { ...OFPP });
export const TABLES = new Reserved('OFPTT_', { MAX: OFPTT_MAX, ALL: OFPTT_ALL }, 0xff);
export const GROUPS = new Reserved('OFPG_', { MAX: OFPG_MAX, ALL: OFPG_ALL, ANY: OFPG_ANY });
export const METERS = new Reserved('OFPM_', { MAX: OFPM_MAX, SLOWPATH: OFPM_SLOWPATH, CONTROLLER: OFPM_CONTROLLER, ALL: OFPM_ALL });
export const QUEUES = new Reserved('OFPQ_', { ALL: OFPQ_ALL });
export const CML = new Reserved('OFPCML_', { MAX: OFPCML_MAX, NO_BUFFER: OFPCML_NO_BUFFER }, 0xffff);
export const ROLES = new Reserved('OFPCR_ROLE_', { ...OFPCR_ROLE });

/** buffer_id: a number, or "OFP_NO_BUFFER" / "NO_BUFFER". */
export function bufferFromUser(v: unknown, field: string): number {
  if (v === 'OFP_NO_BUFFER' || v === 'NO_BUFFER') return OFP_NO_BUFFER;
  return ryuUint(v, 0xffffffff, field);
}

/**
 * A datapath id as ofctl_rest takes it (int(str(dpid), 0): 1, "1", "0x1") -> our 16-hex form.
 * Anything else is a 400, as in Ryu.
 */
export function ryuDpid(v: unknown, field = 'dpid'): string {
  const n = pyInt(v);
  if (n === undefined || n < 0n || n > U64_MAX) return bad(field, `expected an integer datapath id (decimal or 0x-hex), got ${JSON.stringify(v)}`);
  return n.toString(16).padStart(16, '0');
}

/** Our 16-hex dpid -> the decimal key Ryu uses in its responses ({"1": [...]}). */
export const dpidKey = (dpid: string): string => BigInt(`0x${dpid}`).toString(10);

/** A 64-bit counter as a JSON number when exact, else kept as a bigint (see ryuJson). */
export const n64 = (v: bigint): number | bigint => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);

/**
 * JSON text where bigints are written as plain integer literals, exact to the last digit
 * (Ryu's Python json does the same for cookies, metadata masks and datapath ids above 2^53).
 */
export function ryuJson(value: unknown): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v !== 'bigint') return v;
    marks.push(v.toString(10));
    return `\u0000big${marks.length - 1}\u0000`;
  });
  return marks.length === 0 ? text : text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}

/**
 * Parse a request body the way ofctl_rest does: JSON, or a Python dict literal (Ryu runs
 * ast.literal_eval, so scripts send {'dpid': 1, 'match': {'in_port': 1}} and True/False/None).
 * Integer literals of 16 digits or more become strings so no precision is lost on the way.
 */
export function parseRyuBody(raw: string): unknown {
  const text = raw.trim();
  if (text === '') return {};
  const exact = (s: string) => s.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
  try {
    return JSON.parse(exact(text));
  } catch {
    const converted = pythonLiteralToJson(text);
    try {
      return JSON.parse(exact(converted));
    } catch {
      throw new HttpError(400, 'bad_request', 'body: expected a JSON object (or a Python dict literal, as Ryu accepts)');
    }
  }
}

/** Single-quoted strings -> double-quoted, True/False/None -> true/false/null, trailing commas dropped. */
function pythonLiteralToJson(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      let str = '';
      for (; j < s.length && s[j] !== c; j++) {
        if (s[j] === '\\' && j + 1 < s.length) {
          str += s[j + 1] === "'" ? "'" : s[j]! + s[j + 1]!;
          j++;
        } else str += s[j] === '"' ? '\\"' : s[j];
      }
      out += `"${str}"`;
      i = j;
      continue;
    }
    const word = /^(True|False|None)\b/.exec(s.slice(i));
    if (word) {
      out += word[1] === 'True' ? 'true' : word[1] === 'False' ? 'false' : 'null';
      i += word[1]!.length - 1;
      continue;
    }
    out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

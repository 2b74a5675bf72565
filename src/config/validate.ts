/** Schema checks and string coercion shared by every configuration source. */
import type { Spec } from './schema.js';

export interface Problem {
  /** Key path, e.g. config.openflow.port or config.openflow.listen[1]. */
  path: string;
  message: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : String(v));

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The closest known key, for "did you mean" (edit distance at most 2). */
function closest(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/**
 * Check a (possibly partial) value against a spec. Object keys may be missing (defaults fill
 * them); unknown keys are problems.
 */
export function validate(value: unknown, spec: Spec, path: string, out: Problem[] = []): Problem[] {
  const bad = (message: string) => out.push({ path, message });
  switch (spec.kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        bad(`expected an integer ${spec.min}-${spec.max}, got ${show(value)}`);
      }
      break;
    case 'string':
      if (value === null && spec.nullable) break;
      if (typeof value !== 'string') bad(`expected a string, got ${show(value)}`);
      else {
        const msg = spec.check?.(value);
        if (msg) bad(msg);
      }
      break;
    case 'bool':
      if (typeof value !== 'boolean') bad(`expected true or false, got ${show(value)}`);
      break;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) bad(`expected one of ${spec.values.join(', ')}, got ${show(value)}`);
      break;
    case 'list':
      if (!Array.isArray(value)) bad(`expected a list, got ${show(value)}`);
      else value.forEach((v, i) => validate(v, spec.of, `${path}[${i}]`, out));
      break;
    case 'object':
      if (!isPlainObject(value)) bad(`expected an object, got ${show(value)}`);
      else {
        for (const [k, v] of Object.entries(value)) {
          const sub = spec.fields[k];
          if (!sub) {
            const hint = closest(k, Object.keys(spec.fields));
            out.push({ path: `${path}.${k}`, message: `unknown key${hint ? ` (did you mean ${hint}?)` : ''}` });
          } else validate(v, sub, `${path}.${k}`, out);
        }
      }
      break;
    case 'record':
      if (!isPlainObject(value)) bad(`expected an object, got ${show(value)}`);
      else {
        for (const [k, v] of Object.entries(value)) {
          const msg = spec.key?.(k);
          if (msg) out.push({ path: `${path}.${k}`, message: msg });
          else validate(v, spec.of, `${path}.${k}`, out);
        }
      }
      break;
    case 'anyObject':
      if (!isPlainObject(value)) bad(`expected an object, got ${show(value)}`);
      break;
  }
  return out;
}

/** The spec at a dotted path (for flags and environment variables). */
export function specAt(root: Spec, path: string): Spec {
  let s = root;
  for (const part of path.split('.')) {
    if (s.kind !== 'object' || !s.fields[part]) throw new Error(`no config key ${path}`);
    s = s.fields[part]!;
  }
  return s;
}

/**
 * Turn text from a flag or the environment into the value type the spec wants; text that does
 * not convert is kept as is so validation reports it with the value the user typed.
 */
export function coerce(text: string, spec: Spec): unknown {
  switch (spec.kind) {
    case 'int':
      return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
    case 'bool': {
      const t = text.trim().toLowerCase();
      return ['true', '1', 'yes', 'on'].includes(t) ? true : ['false', '0', 'no', 'off'].includes(t) ? false : text;
    }
    case 'list':
      return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => coerce(s, spec.of));
    case 'record': {
      // name=value,name=value
      const out: Record<string, unknown> = {};
      for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
        const eq = part.indexOf('=');
        if (eq <= 0) return text;
        out[part.slice(0, eq).trim()] = coerce(part.slice(eq + 1).trim(), spec.of);
      }
      return out;
    }
    case 'anyObject':
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/** Set a dotted path in a nested object, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = target;
  for (const p of parts.slice(0, -1)) {
    if (!isPlainObject(o[p])) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts[parts.length - 1]!] = value;
}

/** Deep-merge plain objects (later wins; lists are replaced, not concatenated). */
export function merge<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(out[k], v);
  return out as T;
}

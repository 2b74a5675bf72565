/** Golden Ryu responses (test/fixtures/ryu): compared with 64-bit integers kept exact. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** JSON.parse, with integer literals of 16+ digits read as strings so none is rounded. */
export function exactParse(text: string): unknown {
  return JSON.parse(text.replace(/([:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"'));
}

export function golden(name: string): unknown {
  return exactParse(readFileSync(fileURLToPath(new URL(`../fixtures/ryu/${name}.json`, import.meta.url)), 'utf8'));
}

import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Fixture {
  name: string;
  hex: string;
  /** How it was captured: Open vSwitch version, direction, command. */
  source: string;
  /** `ovs-ofctl ofp-print HEX` output, the independent reading of the bytes. */
  ofpPrint: string;
}

export const FIXTURE_DIR = new URL('../../test/fixtures/openflow/', import.meta.url).pathname;

let ovsVersion: string | undefined;
export function ovsVersionText(): string {
  ovsVersion ??= spawnSync('ovs-vswitchd', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]!.trim();
  return ovsVersion;
}

export function ofpPrint(hex: string): string {
  const r = spawnSync('ovs-ofctl', ['ofp-print', hex], { encoding: 'utf8', timeout: 20_000, maxBuffer: 64 << 20 });
  return (r.stdout ?? '') + (r.stderr ? `\n[stderr] ${r.stderr}` : '');
}

/** Collects fixtures by name and writes one JSON file each. */
export class FixtureSet {
  readonly fixtures = new Map<string, Fixture>();
  readonly missing: string[] = [];

  add(name: string, bytes: Buffer, source: string): void {
    if (this.fixtures.has(name)) throw new Error(`fixture ${name} captured twice`);
    const hex = bytes.toString('hex');
    this.fixtures.set(name, { name, hex, source: `${ovsVersionText()}: ${source}`, ofpPrint: ofpPrint(hex) });
    console.log(`captured ${name} (${bytes.length} bytes)`);
  }

  miss(name: string, why: string): void {
    this.missing.push(`${name}: ${why}`);
    console.log(`NOT captured ${name}: ${why}`);
  }

  write(): void {
    mkdirSync(FIXTURE_DIR, { recursive: true });
    for (const f of this.fixtures.values()) {
      writeFileSync(join(FIXTURE_DIR, `${f.name}.json`), JSON.stringify(f, null, 2) + '\n');
    }
  }
}

/**
 * Running the L2 Mininet scenarios (mininet/scenarios/pingall.py and friends) against a weft
 * process with its default apps, and asserting on their checks. The scenario does the
 * measuring (pingall, dump-flows counters, iperf3, link down); the test asserts that every
 * expected check ran and passed, and prints the numbers as TAP comments.
 */
import type { Test } from 'tap';
import { runScenario } from './mininet.js';
import type { ScenarioResult, ScenarioRun } from './mininet.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OvsInstance } from './ovs.js';
import { startWeftProcess } from './weft-process.js';
import type { WeftProcess } from './weft-process.js';

/**
 * weft with its default apps and a 1 s LLDP interval: the topology app's settle time (1.5 x the
 * interval, docs/TOPOLOGY.md) is then 1.5 s instead of 7.5 s, so each topology's run waits
 * 2 s (SETTLE_S) rather than 8 before its first pingall. Forwarding logic is the same.
 */
export const SETTLE_S = '2';
export async function startL2Weft(): Promise<WeftProcess> {
  const config = join(mkdtempSync(join(tmpdir(), 'weft-l2-')), 'weft.json');
  writeFileSync(config, JSON.stringify({ appOptions: { topology: { lldpIntervalMs: 1000 } } }));
  return startWeftProcess({ args: ['--config', config] });
}

/** Checks every L2 scenario run makes, in order (with weft's REST API given). */
export const BASE_CHECKS = [
  'switches connected',
  'links discovered',
  'links match the topology',
  'pingall round 1: 0% loss',
  'round 1 installed l2 flows',
  'pingall round 2: 0% loss',
  'round 2 served by installed flows',
  'hosts learned at their edge ports',
];

export const STORM_CHECKS = ['no storm: packet-ins bounded', 'no storm: datapath packets bounded'];

export const IPERF_CHECKS = ['iperf3: tx checksum offload off on both hosts', 'iperf3 ran', 'iperf3 in the datapath: no per-packet packet-ins'];

export function linkDownChecks(h1: string, h2: string): string[] {
  return [
    'link down: weft removed the link',
    `link down: ${h1} -> ${h2} ping recovers`,
    'link down: pingall 0% loss after reconvergence',
    'link up: weft rediscovered the link',
    'link up: pingall 0% loss',
  ];
}

export async function runL2(ovs: OvsInstance, weft: WeftProcess, topo: string, options: Record<string, string> = {}, timeoutMs = 120_000): Promise<ScenarioRun> {
  return runScenario({
    scenario: 'pingall',
    ovs,
    controller: { port: weft.openflowPort },
    topo,
    timeoutMs,
    options: { rest: `http://127.0.0.1:${weft.restPort}`, settle: SETTLE_S, ...options },
  });
}

/** The scenario exited 0, and exactly the expected checks ran, each passing (failures show their details). */
export function assertChecks(t: Test, run: ScenarioRun, expected: string[]): ScenarioResult | undefined {
  const r = run.result;
  if (!r) {
    t.fail(`the scenario printed no JSON result (exit ${run.code}, signal ${run.signal}, timed out: ${run.timedOut})\n${run.stdout}\n${run.stderr.slice(-3000)}`);
    return undefined;
  }
  t.same(r.checks.map((c) => c.name), expected, 'the expected checks ran');
  for (const c of r.checks) t.ok(c.ok, `${c.name}${c.ok ? '' : `: ${JSON.stringify(c.detail)}`}`);
  if (r.notes.terminatedAt) t.comment(`${r.topo}: terminated at ${JSON.stringify(r.notes.terminatedAt)}; Mininet said: ${run.stderr.slice(-1500)}`);
  t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code 0\n${run.stderr.slice(-3000)}`);
  t.notOk(r.notes.leftovers, 'net.stop() removed every bridge and link');
  return r;
}

type Notes = Record<string, unknown>;

/** One line per measurement, as TAP comments (collected into docs/E2E-RESULTS.md by hand). */
export function reportNumbers(t: Test, r: ScenarioResult | undefined): void {
  if (!r) return;
  const n = r.notes as Notes;
  const p = (k: string) => n[k] as { sent: number; lost: number; ms: number; l2Flows: number; counters: Notes } | undefined;
  for (const k of ['pingall1', 'pingall2']) {
    const x = p(k);
    if (x) t.comment(`${r.topo} ${k}: ${x.lost}/${x.sent} lost, ${x.ms} ms, ${x.l2Flows} l2 flows, counters ${JSON.stringify(x.counters)}`);
  }
  for (const k of ['discoveryS', 'storm', 'linkDown', 'linkUp', 'iperf']) {
    if (n[k] !== undefined) t.comment(`${r.topo} ${k}: ${JSON.stringify(n[k])}`);
  }
  t.comment(`${r.topo} scenario took ${r.elapsedMs} ms`);
}

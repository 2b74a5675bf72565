/**
 * weft in-process (startWeft) with the apps the UI shows (topology, routing, nat), a fake LAN
 * of switches cabled as asked, and chromium driven by playwright-core. Chromium must be
 * installed (Debian package `chromium`, /usr/bin/chromium): without it the tests fail loudly.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { Test } from 'tap';
import { defaultConfig } from '../../src/config/index.js';
import type { WeftConfig } from '../../src/config/index.js';
import type { Weft } from '../../src/main.js';
import { startWeftOnFreePorts } from '../support/start-weft.js';
import type { FreePorts } from '../support/start-weft.js';
import { FakeLan } from './fake-lan.js';
import type { Cable } from './fake-lan.js';

export const CHROMIUM = '/usr/bin/chromium';
const quiet = new Writable({ write: (_c, _e, cb) => cb() });

export interface UiRig {
  weft: Weft;
  base: string;
  openflowPort: number;
  lan: FakeLan;
  close(): Promise<void>;
}

export interface UiRigOptions {
  switches: number;
  ports: number;
  cables: Cable[];
  token?: string;
  lldpIntervalMs?: number;
  /** Default: table-miss, topology, routing, nat. */
  apps?: string[];
}

/** A ring of n switches: port 1 of switch i to port 2 of switch i+1. */
export function ring(n: number): Cable[] {
  return Array.from({ length: n }, (_, i) => ({ a: [i, 1] as [number, number], b: [(i + 1) % n, 2] as [number, number] }));
}

export async function startUiRig(o: UiRigOptions): Promise<UiRig> {
  const base = defaultConfig();
  const configFor = (ports: FreePorts): WeftConfig => ({
    ...base,
    openflow: { ...base.openflow, host: '127.0.0.1', port: ports.openflow, echoIntervalMs: 1000 },
    rest: { ...base.rest, port: ports.rest, token: o.token ?? null },
    apps: o.apps ?? ['table-miss', 'topology', 'routing', 'nat'],
    appOptions: Object.fromEntries(
      Object.entries({
        topology: { lldpIntervalMs: o.lldpIntervalMs ?? 1000 },
        routing: { interfaces: [{ address: '192.168.1.1/24' }, { address: '203.0.113.100/24' }] },
        nat: { rules: [{ type: 'masquerade', inside: '192.168.1.0/24', outside: '203.0.113.100' }] },
      }).filter(([app]) => (o.apps ?? ['topology', 'routing', 'nat']).includes(app)),
    ),
    log: { level: 'silent', levels: {} },
  });
  const { weft, ports } = await startWeftOnFreePorts(configFor, { logDestination: quiet });
  const openflowPort = ports.openflow;
  const lan = await FakeLan.start(openflowPort, o.switches, o.ports, o.cables);
  const addr = weft.restAddress();
  return {
    weft,
    base: `http://127.0.0.1:${addr.port}`,
    openflowPort,
    lan,
    async close() {
      lan.close();
      await weft.stop();
    },
  };
}

export interface Browsing {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium headless with a fresh profile; throws (the test fails) when it is not installed. */
export async function openBrowser(): Promise<Browsing> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install the Debian package chromium (apt-get install -y chromium); .ci/run does`);
  const profile = mkdtempSync(join(tmpdir(), 'weft-ui-chromium-'));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Poll `f` until it returns a truthy value or the time is up (then throw naming `what`). */
export async function until<T>(f: () => Promise<T> | T, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Evaluate a script expression in the page (a string: the tests compile without the DOM types). */
export const js = <T = unknown>(page: Page, expr: string): Promise<T> => page.evaluate(expr) as Promise<T>;

/** GET a URL and parse its JSON. */
export async function json<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: ${r.status}`);
  return (await r.json()) as T;
}

/** Text of an element, trimmed ('' when it has none). */
export const text = async (page: Page, sel: string): Promise<string> => ((await page.textContent(sel)) ?? '').trim();

/**
 * An app's page in a real browser against a rig with a REST token: the browser opened, page
 * errors collected, the token given to the page's prompt, and the page's form (`form`, its
 * selector) open for writing. Everything is closed by the test's teardown.
 */
export async function openAppPage(t: Test, o: { app: string; apps: string[]; token: string; form: string }): Promise<{ rig: UiRig; b: Browsing; errors: string[] }> {
  const rig = await startUiRig({ switches: 1, ports: 2, cables: [], token: o.token, apps: o.apps });
  t.teardown(() => rig.close());
  const b = await openBrowser();
  t.teardown(() => b.close());
  const errors: string[] = [];
  b.page.on('pageerror', (e) => errors.push(e.message));
  b.page.once('dialog', (d) => void d.accept(o.token));
  await b.page.goto(`${rig.base}/ui/#/apps/${o.app}`);
  await until(async () => (await b.page.locator(`${o.form} button[type=submit]`).count()) === 1, 5000, `the ${o.app} page`);
  await until(async () => !(await b.page.locator(`${o.form} button[type=submit]`).isDisabled()), 3000, 'the form opens with the token');
  return { rig, b, errors };
}

/**
 * Where a UI test puts a screenshot: docs/images/NAME when WEFT_UI_SCREENSHOTS=docs (to refresh
 * the pictures in docs/UI.md), else a temp dir, so a test run does not rewrite the checkout.
 */
export function screenshotPath(name: string): string {
  if (process.env.WEFT_UI_SCREENSHOTS === 'docs') return join('docs', 'images', name);
  if (screenshotDir === undefined) {
    const dir = (screenshotDir = mkdtempSync(join(tmpdir(), 'weft-ui-shots-')));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(screenshotDir, name);
}
let screenshotDir: string | undefined;

/**
 * docker-compose.yml and the Dockerfiles agree with weft's real configuration. No Docker engine
 * runs here, so the files are parsed: the weft service's WEFT_* variables must be ones weft
 * accepts (src/config OPTIONS) and must load (loadConfig, the same validation `weft` runs at
 * start); its published ports must be the ports that configuration listens on and the ports the
 * Dockerfile exposes; its command must be the package's `weft` bin with weft's V8 flags
 * (src/node-flags.ts); the ovs service must point
 * at the weft service on weft's OpenFlow port.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { defaultConfig, loadConfig, OPTIONS } from '../../src/config/index.js';
import { NODE_FLAGS } from '../../src/node-flags.js';
import type { WeftConfig } from '../../src/config/index.js';
import { ROOT } from '../support/weft-process.js';

interface Service {
  build?: { context?: string; dockerfile?: string } | string;
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string> | string[];
  ports?: (string | { target: number; published?: number | string })[];
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  privileged?: boolean;
  depends_on?: string[] | Record<string, unknown>;
  stop_signal?: string;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

function envOf(s: Service): Record<string, string> {
  const e = s.environment ?? {};
  if (Array.isArray(e)) return Object.fromEntries(e.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v)]));
}

/** "HOST:CONTAINER" / "IP:HOST:CONTAINER" / long syntax -> [published, container]. */
function portPairs(s: Service): [number, number][] {
  return (s.ports ?? []).map((p) => {
    if (typeof p === 'object') return [Number(p.published ?? p.target), p.target];
    const parts = String(p).replace(/\/tcp$/, '').split(':');
    return [Number(parts[parts.length - 2] ?? parts[parts.length - 1]), Number(parts[parts.length - 1])];
  });
}

function dockerfile(s: Service): string {
  const b = typeof s.build === 'string' ? { context: s.build } : (s.build ?? {});
  const path = join(ROOT, b.context ?? '.', b.dockerfile ?? 'Dockerfile');
  if (!existsSync(path)) throw new Error(`${path} (the build of a compose service) does not exist`);
  return readFileSync(path, 'utf8');
}

/** Instructions of the final stage of a Dockerfile: [instruction, rest] pairs. */
function finalStage(text: string): [string, string][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const out: [string, string][] = [];
  for (const l of lines) {
    const m = /^(\w+)\s+(.*)$/.exec(l);
    if (!m) continue;
    if (m[1]!.toUpperCase() === 'FROM') out.length = 0;
    out.push([m[1]!.toUpperCase(), m[2]!]);
  }
  return out;
}

const weft = compose.services.weft!;
const ovs = compose.services.ovs!;
const env = envOf(weft);
let config: WeftConfig;

t.test('the compose file has the weft and ovs services', async (t) => {
  t.ok(weft, 'service weft');
  t.ok(ovs, 'service ovs');
});

t.test("the weft service's environment is weft's own configuration", async (t) => {
  const known = new Set(OPTIONS.map((o) => o.env));
  const weftVars = Object.keys(env).filter((k) => k.startsWith('WEFT_'));
  t.ok(weftVars.length >= 4, `sets WEFT_* variables (${weftVars.join(', ')})`);
  t.same(weftVars.filter((k) => !known.has(k)), [], 'every WEFT_* variable is one weft accepts');
  t.same(Object.keys(env).filter((k) => !k.startsWith('WEFT_')), [], 'no other variables');
  // The same loader `weft` runs at start: types, ranges and app names are validated.
  const req = loadConfig({ argv: [], env, cwd: ROOT });
  t.equal(req.kind, 'run');
  config = (req as { config: WeftConfig }).config;
  t.equal(config.openflow.host, '0.0.0.0', 'OpenFlow listens on every interface of the container');
  t.equal(config.rest.host, '0.0.0.0', 'REST listens on every interface of the container');
  if (config.rest.token === null) {
    t.equal(config.rest.insecure, true, 'no token on 0.0.0.0: rest.insecure says so, or weft would refuse to start');
    const restPublish = (weft.ports ?? []).map(String).find((p) => p.endsWith(`:${config.rest.port}`));
    t.match(restPublish, /^127\.0\.0\.1:/, 'without a token the REST port is published on the host loopback only');
  }
  for (const app of config.apps) t.ok(existsSync(join(ROOT, 'apps', app)), `app ${app} is a built-in app`);
});

t.test('published ports are the ports weft listens on and the Dockerfile exposes', async (t) => {
  const pairs = portPairs(weft);
  const containerPorts = pairs.map(([, c]) => c).sort((a, b) => a - b);
  t.same(containerPorts, [config.openflow.port, config.rest.port].sort((a, b) => a - b), 'container ports = openflow.port and rest.port');
  t.same(pairs.map(([p, c]) => p === c), [true, true], 'published on the same port numbers');
  const defaults = defaultConfig();
  t.same([config.openflow.port, config.rest.port], [defaults.openflow.port, defaults.rest.port], 'the standard ports 6653 and 8080 (the defaults)');
  const exposed = finalStage(dockerfile(weft))
    .filter(([i]) => i === 'EXPOSE')
    .flatMap(([, rest]) => rest.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, ''))))
    .sort((a, b) => a - b);
  t.same(exposed, containerPorts, 'EXPOSE lists the same ports');
});

t.test("the image runs the package's weft command", async (t) => {
  const stage = finalStage(dockerfile(weft));
  const text = dockerfile(weft);
  t.match(text, /^FROM node:20-bookworm-slim/m, 'Node 20 on Debian bookworm');
  t.match(text, /npm ci\b/, 'installs from the lock file');
  t.match(text, /npm run build\b/, 'builds dist/');
  const cmd = stage.find(([i]) => i === 'CMD')?.[1];
  t.ok(cmd, 'the final stage has a CMD');
  const cmdArgs = JSON.parse(cmd!) as string[];
  t.same(cmdArgs, ['node', ...NODE_FLAGS, pkg.bin.weft], "CMD is node, weft's V8 flags (src/node-flags.ts) and package.json's bin.weft");
  t.ok(existsSync(join(ROOT, pkg.bin.weft!)) || existsSync(join(ROOT, 'src', 'cli.ts')), 'the bin is built from src/cli.ts');
  if (weft.command !== undefined) t.same(weft.command, cmdArgs, 'the compose command is the same as CMD');
  t.match(stage.map(([i, r]) => `${i} ${r}`).join('\n'), /COPY --from=build \/app\/dist \.\/dist/, 'the runtime stage gets dist/');
  t.equal(weft.stop_signal ?? 'SIGTERM', 'SIGTERM', 'docker stop sends SIGTERM, which weft handles');
});

t.test('the ovs service points a bridge at the weft service', async (t) => {
  t.equal(ovs.privileged, true, 'privileged (namespaces, veths, /dev/net/tun)');
  const deps = Array.isArray(ovs.depends_on) ? ovs.depends_on : Object.keys(ovs.depends_on ?? {});
  t.ok(deps.includes('weft'), 'starts after weft');
  const target = envOf(ovs).CONTROLLER_TARGET;
  t.equal(target, `tcp:weft:${config.openflow.port}`, "CONTROLLER_TARGET is the weft service on weft's OpenFlow port");
  // They must share a network for the name `weft` to resolve (or both use the host's).
  const nets = (s: Service) => (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks ?? {}));
  const shared = nets(weft).filter((n) => nets(ovs).includes(n));
  t.ok(shared.length > 0 || (weft.network_mode === 'host' && ovs.network_mode === 'host'), `shared network: ${shared.join(', ')}`);
  const text = dockerfile(ovs);
  t.match(text, /^FROM debian:bookworm/m);
  t.match(text, /openvswitch-switch/);
  t.match(text, /\bmininet\b/);
  const entry = JSON.parse(finalStage(text).find(([i]) => i === 'ENTRYPOINT')![1]) as string[];
  const script = readFileSync(join(ROOT, 'mininet', entry[0]!.split('/mininet/')[1]!), 'utf8');
  t.match(script, /CONTROLLER_TARGET/, 'the entrypoint reads CONTROLLER_TARGET');
  t.match(script, /set-controller "\$BRIDGE"/, 'and sets it as the bridge controller');
  t.match(script, /protocols=OpenFlow13/, 'OpenFlow 1.3 only, like weft');
  t.equal(envOf(ovs).BRIDGE, 'br0');
});

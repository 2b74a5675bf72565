/**
 * A private network namespace for the benches that open thousands of connections at once.
 * The kernel's SYN queue (`net.ipv4.tcp_max_syn_backlog`, 2048 on Debian 12) and the cap on
 * every accept queue (`net.core.somaxconn`, 4096) overflow when 10,000 switches connect at
 * the same instant, and a SYN cookie that fails is answered with a reset: ofbench then fails
 * after ~2 s with "Connection reset by peer", whatever weft does. Both settings belong to the
 * network namespace, so the bench raises them in a namespace of its own (loopback only) and
 * leaves the machine's alone. Needs root and iproute2's `ip`.
 */
import { execFileSync, spawn } from 'node:child_process';

/** What the bench's namespace sets (both above 10,000 simultaneous connects). */
export const NETNS_SYSCTLS: Record<string, string> = {
  'net.core.somaxconn': '16384',
  'net.ipv4.tcp_max_syn_backlog': '16384',
};

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });

/**
 * Create namespace `name` (loopback up, NETNS_SYSCTLS set), run `fn`, delete it by name
 * whatever happens. Processes started with `ip netns exec` must have ended before `fn` returns.
 */
export async function withBenchNetns<T>(name: string, fn: (ns: string) => Promise<T>): Promise<T> {
  ip('netns', 'add', name);
  try {
    ip('-n', name, 'link', 'set', 'lo', 'up');
    for (const [k, v] of Object.entries(NETNS_SYSCTLS)) ip('netns', 'exec', name, 'sysctl', '-q', '-w', `${k}=${v}`);
    return await fn(name);
  } finally {
    try {
      ip('netns', 'del', name);
    } catch (e) {
      process.stderr.write(`could not delete network namespace ${name}: ${(e as Error).message}\n`);
    }
  }
}

/**
 * Run a bench script (TypeScript, through tsx) inside namespace `ns` and parse the last line
 * of its stdout as JSON. Its stderr is passed through (progress lines).
 */
export function runScriptInNetns<T>(ns: string, script: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}`);
        resolve(JSON.parse(last) as T);
      } catch (e) {
        reject(new Error(`${script} in namespace ${ns} failed (${(e as Error).message}): ${out.slice(-500)}`));
      }
    });
  });
}

/**
 * docker-compose.cluster.yml agrees with weft's real configuration (no Docker engine runs here, so
 * the file is parsed): every weft service's WEFT_* variables load (loadConfig, the validation weft
 * runs at start) as a cluster instance pointing at the etcd service's client port, names are
 * unique, REST ports are published on loopback, etcd allows weft's large transactions, and the
 * ovs service lists every instance as a controller on its OpenFlow port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/index.js';
import { ROOT } from '../support/weft-process.js';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: string[];
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.cluster.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const wefts = Object.entries(compose.services).filter(([, s]) => s.environment?.WEFT_CLUSTER !== undefined);

t.test('three weft instances, each a valid cluster configuration', async (t) => {
  t.equal(wefts.length, 3);
  const names = new Set<string>();
  for (const [svc, s] of wefts) {
    const r = loadConfig({ argv: [], env: s.environment!, cwd: ROOT });
    if (r.kind !== 'run') throw new Error('expected a run config');
    t.equal(r.config.cluster.etcd, 'etcd://etcd:2379', `${svc}: the etcd service`);
    names.add(r.config.cluster.name!);
    t.ok(s.depends_on?.includes('etcd'), `${svc} starts after etcd`);
    t.match(s.ports, [new RegExp(`^127\\.0\\.0\\.1:\\d+:${r.config.rest.port}$`)], `${svc}: REST published on loopback`);
  }
  t.equal(names.size, 3, 'unique instance names');
});

t.test('etcd serves 2379 and allows large transactions', async (t) => {
  const cmd = compose.services.etcd!.command!.join(' ');
  t.match(cmd, /--listen-client-urls=http:\/\/0\.0\.0\.0:2379/);
  t.match(cmd, /--max-txn-ops=\d{4,}/);
});

t.test('the ovs service lists every instance as a controller', async (t) => {
  const targets = compose.services.ovs!.environment!.CONTROLLER_TARGET!.split(',');
  const expected = wefts.map(([svc, s]) => `tcp:${svc}:${s.environment!.WEFT_OPENFLOW_PORT}`);
  t.same(targets.sort(), expected.sort());
});

/** The REST address a cluster instance advertises in its member record (other instances proxy writes to it). */
import { hostname } from 'node:os';
import t from 'tap';
import { restAddress } from '../../src/cluster/index.js';
import { defaultConfig } from '../../src/config/index.js';

const cfg = (host: string, port = 8080) => {
  const c = defaultConfig();
  return { ...c, rest: { ...c.rest, host, port } };
};

t.equal(restAddress(cfg('127.0.0.1', 8081)), '127.0.0.1:8081', 'a concrete address as it is');
t.equal(restAddress(cfg('10.0.0.11')), '10.0.0.11:8080');
t.equal(restAddress(cfg('0.0.0.0')), `${hostname()}:8080`, 'every IPv4 address: the host name');
t.equal(restAddress(cfg('::')), `${hostname()}:8080`, 'every IPv6 address: the host name');
t.equal(restAddress(cfg('::1', 9000)), '[::1]:9000', 'IPv6 in brackets');

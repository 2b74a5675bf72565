/**
 * The DHCP exchange through the host and the fake network: DISCOVER/OFFER/REQUEST/ACK per
 * routed subnet, renew and rebind, NAK, RELEASE, DECLINE, INFORM, exhaustion, the in-use check,
 * leases in the state store and after a restart.
 */
import t from 'tap';
import { DHCP_OPT, DHCP_TYPE, optionIp, optionIps } from '../../../apps/dhcp/wire.js';
import type { DhcpMessage } from '../../../apps/dhcp/wire.js';
import { arpRequestFrame } from '../../../protocol/packet/index.js';
import { clientFrame, CLIENTS, GW1, GW2, lab, typeOf } from './lab.js';
import type { Client, Lab } from './lab.js';

/** DISCOVER, then REQUEST of what was offered: the ACK. */
function dora(l: Lab, name: Client): { offer: DhcpMessage; ack: DhcpMessage | undefined } {
  const [offer] = l.send(name, clientFrame(name, { type: DHCP_TYPE.DISCOVER, hostname: name }));
  if (!offer) throw new Error(`${name}: no offer`);
  const [ack] = l.send(name, clientFrame(name, { type: DHCP_TYPE.REQUEST, requested: offer.yiaddr, serverId: optionIp(offer, DHCP_OPT.SERVER_ID), hostname: name }));
  return { offer, ack };
}

t.test('DORA on two routed subnets: each client gets an address of its switch\'s pool with the router and options', async (t) => {
  const l = lab();
  const a = dora(l, 'c1');
  t.equal(typeOf(a.offer), DHCP_TYPE.OFFER);
  t.equal(a.offer.yiaddr, '10.0.1.100', 'lowest free address of the range');
  t.equal(optionIp(a.offer, DHCP_OPT.SERVER_ID), '10.0.1.1');
  t.equal(optionIp(a.offer, DHCP_OPT.ROUTER), '10.0.1.1');
  t.equal(optionIp(a.offer, DHCP_OPT.SUBNET_MASK), '255.255.255.0');
  t.same(optionIps(a.offer, DHCP_OPT.DNS), ['10.0.1.53']);
  t.equal(new TextDecoder().decode(a.offer.options.get(DHCP_OPT.DOMAIN)), 'lab.test');
  t.equal(typeOf(a.ack), DHCP_TYPE.ACK);
  t.equal(a.ack!.yiaddr, '10.0.1.100');
  const b = dora(l, 'c2');
  t.equal(b.ack!.yiaddr, '10.0.2.100', 'c2 on s2 gets the second pool');
  const leases = l.dhcp.leases();
  t.same(leases.map((x) => [x.ip, x.mac, x.state, x.hostname]), [['10.0.1.100', CLIENTS.c1.mac, 'bound', 'c1'], ['10.0.2.100', CLIENTS.c2.mac, 'bound', 'c2']]);
  await new Promise((r) => setImmediate(r));
  t.match(l.states.get('dhcp')!.get('leases/10.0.1.100'), { mac: CLIENTS.c1.mac, pool: '10.0.1.0/24' }, 'the lease is in the state store');
  t.match(l.dhcp.counters(), { discovers: 2, offers: 2, requests: 2, acks: 2, naks: 0 });
});

t.test('renew (unicast to the gateway) and rebind (broadcast) keep the address; a wrong address is NAKed', async (t) => {
  const l = lab();
  dora(l, 'c1');
  const [renew] = l.send('c1', clientFrame('c1', { type: DHCP_TYPE.REQUEST, ciaddr: '10.0.1.100', to: { mac: GW1, ip: '10.0.1.1' } }));
  t.equal(typeOf(renew), DHCP_TYPE.ACK);
  t.equal(renew!.yiaddr, '10.0.1.100');
  const [rebind] = l.send('c1', clientFrame('c1', { type: DHCP_TYPE.REQUEST, ciaddr: '10.0.1.100' }));
  t.equal(typeOf(rebind), DHCP_TYPE.ACK);
  t.match(l.dhcp.counters(), { renews: 1, rebinds: 1 });
  const [reboot] = l.send('c1', clientFrame('c1', { type: DHCP_TYPE.REQUEST, requested: '10.0.2.77' }));
  t.equal(typeOf(reboot), DHCP_TYPE.NAK, 'init-reboot with an address of another network');
  const [other] = l.send('c2', clientFrame('c2', { type: DHCP_TYPE.REQUEST, ciaddr: '10.0.2.150', to: { mac: GW2, ip: '10.0.2.1' } }));
  t.equal(typeOf(other), DHCP_TYPE.ACK, 'a free address renewed by a client weft has no record of (state lost) is granted');
  const [stolen] = l.send('c2', clientFrame('c2', { type: DHCP_TYPE.REQUEST, serverId: '10.0.2.1', requested: '10.0.2.199' }));
  t.equal(typeOf(stolen), DHCP_TYPE.NAK, 'selecting an address that was not offered');
});

t.test('RELEASE frees the address and it is offered again; DECLINE sets it aside', async (t) => {
  const l = lab();
  dora(l, 'c1');
  l.send('c1', clientFrame('c1', { type: DHCP_TYPE.RELEASE, ciaddr: '10.0.1.100', to: { mac: GW1, ip: '10.0.1.1' } }));
  t.same(l.dhcp.leases(), [], 'released');
  await new Promise((r) => setImmediate(r));
  t.equal(l.states.get('dhcp')!.get('leases/10.0.1.100'), undefined, 'and gone from the store');
  const again = dora(l, 'c1');
  t.equal(again.ack!.yiaddr, '10.0.1.100', 'offered again');
  l.send('c1', clientFrame('c1', { type: DHCP_TYPE.DECLINE, requested: '10.0.1.100', serverId: '10.0.1.1' }));
  const next = dora(l, 'c1');
  t.equal(next.ack!.yiaddr, '10.0.1.101', 'the declined address is not offered');
  t.match(l.dhcp.counters(), { releases: 1, declines: 1 });
});

t.test('INFORM gets the options without an address or lease', async (t) => {
  const l = lab();
  const [ack] = l.send('c1', clientFrame('c1', { type: DHCP_TYPE.INFORM, ciaddr: '10.0.1.5', to: { mac: GW1, ip: '10.0.1.1' } }));
  t.equal(typeOf(ack), DHCP_TYPE.ACK);
  t.equal(ack!.yiaddr, '0.0.0.0');
  t.equal(ack!.ciaddr, '10.0.1.5');
  t.equal(ack!.options.get(DHCP_OPT.LEASE_TIME), undefined);
  t.equal(optionIp(ack!, DHCP_OPT.ROUTER), '10.0.1.1');
  t.same(l.dhcp.leases(), []);
});

t.test('an exhausted pool answers no one, counted; an address in use by a known host is skipped', async (t) => {
  const l = lab({ dhcp: { pools: [{ interface: '10.0.1.1', range: ['10.0.1.100', '10.0.1.101'] }] } });
  // r uses 10.0.1.100 without a lease: the topology learns it from its ARP.
  l.net.send('r', arpRequestFrame({ sha: CLIENTS.r.mac, spa: '10.0.1.100', tpa: '10.0.1.7' }));
  t.equal(dora(l, 'c1').ack!.yiaddr, '10.0.1.101', 'the address in use is skipped');
  t.equal(l.dhcp.counters().inUse, 1);
  const none = l.send('c2', clientFrame('c2', { type: DHCP_TYPE.DISCOVER }));
  t.same(none, [], 'no offer');
  t.equal(l.dhcp.counters().exhausted, 1);
});

t.test('leases survive a restart (state store) and renew afterwards', async (t) => {
  const first = lab();
  dora(first, 'c1');
  await new Promise((r) => setImmediate(r));
  const l = lab({ state: first.states });
  t.same(l.dhcp.leases().map((x) => x.ip), ['10.0.1.100'], 'restored');
  const [renew] = l.send('c1', clientFrame('c1', { type: DHCP_TYPE.REQUEST, ciaddr: '10.0.1.100', to: { mac: GW1, ip: '10.0.1.1' } }));
  t.equal(typeOf(renew), DHCP_TYPE.ACK);
  const [offer] = l.send('r', clientFrame('r', { type: DHCP_TYPE.DISCOVER, requested: '10.0.1.100' }));
  t.equal(offer!.yiaddr, '10.0.1.101', 'another client never gets the restored address');
});

t.test('leases expire after their time', async (t) => {
  const l = lab();
  dora(l, 'c2');
  l.advance(3_601_000);
  t.same(l.dhcp.leases(), []);
  t.equal(l.dhcp.counters().expired, 1);
});

t.test('routing learns each ACKed client at once and forgets a released address (no flows to a previous holder)', async (t) => {
  const l = lab({ dhcp: { pools: [{ interface: '10.0.1.1', range: ['10.0.1.100', '10.0.1.100'] }] } });
  const neighbor = (ip: string) => (l.host.command('routing', 'neighbors', undefined) as { ip: string; mac: string }[]).find((n) => n.ip === ip);
  dora(l, 'c1');
  t.equal(neighbor('10.0.1.100')?.mac, CLIENTS.c1.mac, 'c1 is routing\'s neighbour for its address');
  l.send('c1', clientFrame('c1', { type: DHCP_TYPE.RELEASE, ciaddr: '10.0.1.100', to: { mac: GW1, ip: '10.0.1.1' } }));
  t.equal(neighbor('10.0.1.100'), undefined, 'forgotten at release');
  t.equal(dora(l, 'r').ack!.yiaddr, '10.0.1.100', 'the address goes to r');
  t.equal(neighbor('10.0.1.100')?.mac, CLIENTS.r.mac, 'and routing knows r holds it');
});

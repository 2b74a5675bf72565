/**
 * The packet-in path finds hosts by the MAC as a 48-bit number (HostTable.getNum, a MacMap);
 * the REST API and other apps by its text. Both must give the same answers: randomized hosts,
 * moves, refusals at the caps, pins, expiry, and lookups of known and unknown MACs.
 */
import t from 'tap';
import { buildEthernet, buildIpv4, buildUdp, macToNumber, numberToMac } from '../../../protocol/packet/index.js';
import { dp, setup } from './setup.js';

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function udpFrom(src: string): Uint8Array {
  return buildEthernet({ dst: '0a:00:00:00:00:77', src, ethType: 0x0800 }, buildIpv4({ src: '10.9.0.1', dst: '10.9.0.2', protocol: 17 }, buildUdp({ srcPort: 4000, dstPort: 53, src: '10.9.0.1', dst: '10.9.0.2' }, new Uint8Array(4))));
}

t.test('randomized: hostLocation and admitsHost by number answer as by text', async (t) => {
  for (const seed of [3, 99, 2026]) {
    const r = rng(seed);
    // Three switches of 4 host ports, no links; caps small enough that floods hit them.
    const s = setup({ switches: { 1: 4, 2: 4, 3: 4 }, links: [], options: { maxHostsPerPort: 20, maxHostsPerSwitch: 50, maxHosts: 120, hostMoveLimit: 3 } });
    s.advance(8_000);
    const macs = Array.from({ length: 400 }, (_, i) => numberToMac(0x020000000000 + (i % 2 === 0 ? i : Math.floor(r() * 0xffffffffff) * 2)));
    // One sender per port; any of them sends frames from any MAC (a flood, moves, returns).
    const senders: string[] = [];
    for (let sw = 1; sw <= 3; sw++) {
      for (let port = 1; port <= 4; port++) {
        s.net.attach(`p${sw}-${port}`, [BigInt(sw), port], { mac: numberToMac(0x0a0000000000 + sw * 16 + port) });
        senders.push(`p${sw}-${port}`);
      }
    }
    let mismatches = 0;
    const compare = () => {
      for (let k = 0; k < 40; k++) {
        const mac = macs[Math.floor(r() * macs.length)]!;
        const num = macToNumber(mac);
        if (s.topo.hostLocation(num) !== s.topo.hostLocation(mac)) mismatches++;
        if (s.topo.hostLocation(num) !== s.topo.hostLocation(mac.toUpperCase())) mismatches++;
        const dpid = dp(1 + Math.floor(r() * 3));
        const port = 1 + Math.floor(r() * 4);
        if (s.topo.admitsHost(num, dpid, port) !== s.topo.admitsHost(mac, dpid, port)) mismatches++;
      }
    };
    for (let step = 0; step < 1500; step++) {
      const mac = macs[Math.floor(r() * macs.length)]!;
      const what = r();
      if (what < 0.02) {
        // A pin somewhere (the pinned MAC is refused elsewhere).
        s.topo.pin({ mac, dpid: dp(1 + Math.floor(r() * 3)), port: 1 + Math.floor(r() * 4) });
      } else if (what < 0.03) {
        s.advance(60_000, 10_000); // some hosts expire
      } else {
        // Mostly from one "home" sender per MAC, sometimes from elsewhere (a move).
        const home = macToNumber(mac) % senders.length;
        const from = r() < 0.8 ? senders[home]! : senders[Math.floor(r() * senders.length)]!;
        s.net.send(from, udpFrom(mac));
        s.advance(50, 50);
      }
      if (step % 25 === 0) compare();
    }
    compare();
    t.equal(mismatches, 0, `seed ${seed}: the same answers`);
    t.ok(s.topo.hostCount > 0, `seed ${seed}: hosts were learned (${s.topo.hostCount})`);
    const c = s.topo.counters();
    t.ok(Object.keys(c.hostsRefused).length > 0, `seed ${seed}: some sightings were refused (${JSON.stringify(c.hostsRefused)})`);
    // Every host the table lists is found by its number, as the same record the text finds.
    let listed = 0;
    for (const h of s.topo.hosts()) if (s.topo.hostLocation(macToNumber(h.mac)) === s.topo.hostLocation(h.mac)) listed++;
    t.equal(listed, s.topo.hosts().length, `seed ${seed}: every listed host found by number`);
  }
});

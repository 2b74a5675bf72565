/**
 * The DHCP codec (apps/dhcp/wire.ts): encode -> decode gives the message back, long
 * options are split and joined (RFC 3396), and malformed input is a DhcpError, never a wrong
 * message or another exception.
 */
import t from 'tap';
import { decodeDhcp, DhcpError, DHCP_OPT, DHCP_TYPE, encodeDhcp, ipOption, messageType, optionIp } from '../../../apps/dhcp/wire.js';
import type { DhcpMessage } from '../../../apps/dhcp/wire.js';
import { Prng } from '../../support/prng.js';

const sample = (): DhcpMessage => ({
  op: 1, xid: 0xdeadbeef, secs: 7, flags: 0x8000, ciaddr: '10.1.2.3', yiaddr: '10.4.5.6', siaddr: '10.7.8.9', giaddr: '0.0.0.0', chaddr: '02:11:22:33:44:55',
  options: new Map([[DHCP_OPT.MESSAGE_TYPE, Uint8Array.of(DHCP_TYPE.REQUEST)], [DHCP_OPT.REQUESTED_IP, ipOption('10.4.5.6')], [DHCP_OPT.HOSTNAME, new TextEncoder().encode('box')]]),
});

t.test('round trip', async (t) => {
  const m = sample();
  const bytes = encodeDhcp(m);
  t.ok(bytes.length >= 300, 'padded to the BOOTP minimum');
  t.same(decodeDhcp(bytes), m);
  t.equal(messageType(decodeDhcp(bytes)), DHCP_TYPE.REQUEST);
  t.equal(optionIp(decodeDhcp(bytes), DHCP_OPT.REQUESTED_IP), '10.4.5.6');
});

t.test('an option over 255 bytes is split on encode and joined on decode', async (t) => {
  const m = sample();
  const long = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
  m.options.set(DHCP_OPT.DOMAIN, long);
  t.same(decodeDhcp(encodeDhcp(m)).options.get(DHCP_OPT.DOMAIN), long);
});

t.test('malformed messages are DhcpErrors', async (t) => {
  const good = encodeDhcp(sample());
  t.throws(() => decodeDhcp(good.subarray(0, 200)), DhcpError, 'short');
  const noMagic = good.slice();
  noMagic[236] = 0;
  t.throws(() => decodeDhcp(noMagic), DhcpError, 'no magic cookie');
  const badOp = good.slice();
  badOp[0] = 3;
  t.throws(() => decodeDhcp(badOp), DhcpError, 'op');
  const cut = good.slice(0, 244);
  cut[240] = DHCP_OPT.HOSTNAME;
  cut[241] = 50;
  t.throws(() => decodeDhcp(cut), /runs past the end/, 'an option longer than the message');
  const rand = new Prng(18);
  for (let i = 0; i < 2000; i++) {
    const d = good.slice(0, 240 + rand.int(0, 59));
    for (let j = 240; j < d.length; j++) d[j] = rand.int(0, 255);
    try {
      decodeDhcp(d);
    } catch (e) {
      if (!(e instanceof DhcpError)) t.fail(`not a DhcpError: ${String(e)}`);
    }
  }
  t.pass('2000 random option areas: decoded or DhcpError');
});

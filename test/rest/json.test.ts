/** The friendly JSON forms without a server: match, actions, flows, datapath ids, error paths. */
import t from 'tap';
import { OFPVID_PRESENT } from '../../protocol/index.js';
import { formatDpid, parseDpid } from '../../src/rest/dpid.js';
import { HttpError } from '../../src/rest/errors.js';
import { flowModFromFriendly, flowModToFriendly } from '../../src/rest/flow-json.js';
import { matchFromFriendly, matchToFriendly } from '../../src/rest/match-json.js';

t.test('match forms round-trip', async (t) => {
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{ eth_type: 0x86dd, ipv6_src: '2001:DB8::0:1/48' }, { eth_type: 0x86dd, ipv6_src: '2001:db8::1/48' }],
    [{ eth_type: 0x86dd, ipv6_dst: 'fe80::1/ffff:ffff::ff' }, { eth_type: 0x86dd, ipv6_dst: 'fe80::1/ffff:ffff::ff' }],
    [{ eth_type: 0x800, ipv4_src: '10.9.8.7/32' }, { eth_type: 0x800, ipv4_src: '10.9.8.7' }],
    [{ eth_type: 0x800, ipv4_dst: '10.0.0.0/255.0.255.0' }, { eth_type: 0x800, ipv4_dst: '10.0.0.0/255.0.255.0' }],
    [{ vlan_vid: 4095 }, { vlan_vid: 4095 }],
    [{ vlan_vid: 'none' }, { vlan_vid: 'none' }],
    [{ vlan_vid: 'present' }, { vlan_vid: 'present' }],
    [{ vlan_vid: '0x1005/0x1ff7' }, { vlan_vid: '0x1005/0x1ff7' }],
    [{ metadata: '0xabc/0xfff', tunnel_id: 77 }, { metadata: '0xabc/0xfff', tunnel_id: '0x4d' }],
    [{ in_port: '0xfffffffd' }, { in_port: 'CONTROLLER' }],
    [{ eth_src: 'AA:BB:CC:00:00:01/ff:ff:ff:00:00:00' }, { eth_src: 'aa:bb:cc:00:00:01/ff:ff:ff:00:00:00' }],
  ];
  for (const [input, printed] of cases) t.same(matchToFriendly(matchFromFriendly(input)), printed, JSON.stringify(input));
  t.same(matchFromFriendly({ vlan_vid: 12 }), [{ field: 'vlan_vid', value: OFPVID_PRESENT | 12 }]);
});

t.test('errors name the field relative to where they were found', async (t) => {
  const fieldOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof HttpError ? [e.status, e.field, e.message] : ['not an HttpError', String(e)];
    }
    return ['no error'];
  };
  t.same(fieldOf(() => flowModFromFriendly({ match: { vlan_pcp: 9 } }, 'add', 'flows[3]')), [400, 'flows[3].match.vlan_pcp', 'flows[3].match.vlan_pcp: expected an integer 0-7, got 9']);
  t.same(fieldOf(() => flowModFromFriendly({ instructions: [{ type: 'applyActions', actions: [{ type: 'output', port: 1 }, 7] }] }, 'add')), [400, 'instructions[0].actions[1]', 'instructions[0].actions[1]: expected an action object']);
  t.same(fieldOf(() => flowModFromFriendly(null, 'add', 'flows[0]')), [400, 'flows[0]', 'flows[0]: expected a flow object']);
  t.same(fieldOf(() => matchFromFriendly({ in_port: 1, tcp_src: 22 })).slice(0, 2), [400, 'match']);
});

t.test('a flow reads back in the form it was written', async (t) => {
  const fm = flowModFromFriendly({ table: 2, priority: 9, cookie: 255, flags: 6, match: { in_port: 4 }, actions: [{ type: 'output', port: 'in_port' }] }, 'add');
  t.same(flowModToFriendly(fm), { table: 2, priority: 9, cookie: '0xff', idleTimeout: 0, hardTimeout: 0, flags: ['check_overlap', 'reset_counts'], match: { in_port: 4 }, actions: [{ type: 'output', port: 'IN_PORT', maxLen: 0 }] });
  t.same(flowModToFriendly(flowModFromFriendly({ actions: [] }, 'add')).actions, [], 'no instructions: drop');
});

t.test('datapath ids', async (t) => {
  t.equal(parseDpid('0X00FF'), '00000000000000ff');
  t.equal(parseDpid('ff:ff:ff:ff:ff:ff:ff:ff'), 'ffffffffffffffff');
  t.equal(parseDpid('255'), undefined);
  t.equal(parseDpid('00:00:00:00:00:00:00:0g'), undefined);
  t.equal(formatDpid(0x1234n), '0000000000001234');
});

#!/usr/bin/python3
"""
Dual-stack routing with weft's routing app (interfaces 10.0.N.1/24 + 2001:db8:N::1/64 for N =
1, 2, 3; router advertisements every 2 s; 10.0.3.1 with IPv6 MTU 1280). Host i is in subnet
i mod 3 + 1 with a static IPv4 address; IPv6 is left to SLAAC: accept_ra on (forwarding is off
in the hosts), DAD off so addresses are usable at once. On tree,2,2 the first and last hosts
share subnet 1 on different leaves, and the first two share a leaf in different subnets.
Checks, in order:

  every host got exactly one global address, in its own subnet's prefix, and a default route
  via weft's link-local address, from router advertisements; the gateways answer ping6;
  ping6 between every pair of hosts (hop limit 63 across subnets, 64 within one); the routing
  flows for IPv6 are in the switches; traceroute -6 shows the gateway as hop 1; an address
  with no route gets "no route" from the gateway; a 1400-byte ping6 towards the MTU 1280
  interface gets "packet too big" (mtu 1280); REST shows the IPv6 neighbours; IPv4 pingall
  still 0% loss.

Options: rest=URL (weft's REST API, required), settle=S (wait after the switches connect,
as in the other scenarios: weft's topology settle time).
"""
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.l2 import flow_table, pingall, rest_get  # noqa: E402
from weftnet.l2_steps import step_connect, step_discovery  # noqa: E402
from weftnet.runner import run  # noqa: E402


def subnet_of(i):
    return i % 3 + 1


def prepare_hosts(net):
    """IPv4 static, IPv6 by SLAAC; IPv6 off on the switch ports (root-namespace veth ends)."""
    for s in net.switches:
        names = [i.name for i in s.intfList() if i.name != 'lo']
        if names:
            s.cmd('sysctl -qw %s' % ' '.join('net.ipv6.conf.%s.disable_ipv6=1' % n for n in names))
    for i, h in enumerate(net.hosts):
        s = subnet_of(i)
        intf = h.defaultIntf().name
        h.setIP('10.0.%d.%d' % (s, 10 + i), prefixLen=24)
        h.cmd('ip route replace default via 10.0.%d.1' % s)
        h.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.%s.disable_ipv6=0' % intf)
        h.cmd('sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.%s.accept_ra=1 net.ipv6.conf.%s.autoconf=1' % (intf, intf))
        h.cmd('sysctl -qw net.ipv6.conf.%s.accept_dad=0 net.ipv6.conf.%s.dad_transmits=0' % (intf, intf))


def global_v6(h):
    out = h.cmd('ip -6 -o addr show dev %s scope global' % h.defaultIntf().name)
    return re.findall(r'inet6 ([0-9a-f:]+)/(\d+)', out)


def default_v6(h):
    return h.cmd('ip -6 route show default').strip()


def step_slaac(net, result, timeout_s=15):
    """Wait for every host's SLAAC address; the hosts first speak IPv4 to their gateway (weft
    learns which subnet each host is in, and advertises to its port at the next tick)."""
    for i, h in enumerate(net.hosts):
        h.cmd('ping -n -c1 -W2 10.0.%d.1' % subnet_of(i))
    started = time.monotonic()
    deadline = started + timeout_s
    got = {}
    while time.monotonic() < deadline:
        got = {h.name: global_v6(h) for h in net.hosts}
        if all(got.values()) and all('fe80::' in default_v6(h) for h in net.hosts):
            break
        time.sleep(0.3)
    result.note('slaacS', round(time.monotonic() - started, 1))
    bad = []
    for i, h in enumerate(net.hosts):
        want = '2001:db8:%d:' % subnet_of(i)
        addrs = got.get(h.name, [])
        if len(addrs) != 1 or not addrs[0][0].startswith(want) or addrs[0][1] != '64' or 'fe80::' not in default_v6(h):
            bad.append({'host': h.name, 'addrs': addrs, 'default': default_v6(h)})
    result.check('SLAAC: one address per host in its own subnet\'s prefix, default route via weft', not bad, bad or None)
    return {h.name: (got[h.name][0][0] if got.get(h.name) else None) for h in net.hosts}


def ping6_text(src, dst, extra=''):
    return src.cmd('ping -6 -n -c1 -W3 %s %s' % (extra, dst))


def step_gateways6(net, result):
    bad = []
    for i, h in enumerate(net.hosts):
        gw = '2001:db8:%d::1' % subnet_of(i)
        out = ping6_text(h, gw)
        if ' 1 received' not in out:
            bad.append({'host': h.name, 'gateway': gw, 'out': out[-200:]})
    result.check('gateways answer ping6', not bad, bad[:3] or None)


def step_pingall6(net, addrs, result):
    bad = []
    hops = {}
    for i, a in enumerate(net.hosts):
        for j, b in enumerate(net.hosts):
            if a is b or not addrs.get(b.name):
                continue
            out = ping6_text(a, addrs[b.name])
            m = re.search(r'ttl=(\d+)', out)
            want = 64 if subnet_of(i) == subnet_of(j) else 63
            hops['%s>%s' % (a.name, b.name)] = m and int(m.group(1))
            if not m or int(m.group(1)) != want:
                bad.append({'from': a.name, 'to': b.name, 'want': want, 'out': out[-160:]})
    result.note('hopLimits', hops)
    result.check('ping6 between every pair: hop limit 63 across subnets, 64 within one', not bad, bad[:4] or None)


def step_flows6(net, result):
    n = 0
    for s in net.switches:
        for f in flow_table(s):
            if 'ipv6_dst=' in f['match'] and 'dec_ttl' in f['actions']:
                n += 1
    result.note('ipv6FibFlows', n)
    result.check('IPv6 forwarding flows in the switches (ipv6_dst, dec_ttl + rewrite)', n > 0, {'flows': n})


def step_traceroute6(net, addrs, result):
    src, dst = net.hosts[0], net.hosts[1]  # subnets 1 and 2
    out = src.cmd('traceroute -6 -I -n -q 1 -w 2 -m 4 %s' % addrs[dst.name])
    got = [ip for _, ip in re.findall(r'^\s*(\d+)\s+(\S+)', out, re.M)]
    ok = got[:2] == ['2001:db8:1::1', addrs[dst.name]]
    result.check('traceroute -6 across subnets: the gateway is hop 1, the host hop 2', ok, None if ok else out[-400:])


def step_errors6(net, addrs, result):
    src = net.hosts[0]
    out = ping6_text(src, '2001:db8:99::1')
    ok = 'From 2001:db8:1::1' in out and 'No route' in out
    result.check('ping6 to an address without a route: destination unreachable (no route) from the gateway', ok, None if ok else out[-300:])
    dst = net.hosts[2]  # subnet 3, MTU 1280
    out = ping6_text(src, addrs[dst.name], '-s 1400 -M do')
    ok = 'Packet too big' in out and 'mtu=1280' in out and 'From 2001:db8:1::1' in out
    result.check('ping6 of 1448 bytes towards the MTU 1280 interface: packet too big (mtu 1280) from the gateway', ok, None if ok else out[-300:])
    out = ping6_text(src, addrs[dst.name], '-s 1000')
    result.check('ping6 within the MTU towards that interface goes through', ' 1 received' in out, None if ' 1 received' in out else out[-300:])


def step_rest(args, addrs, result):
    nbrs = rest_get(args, '/api/v1/apps/routing/neighbors') or []
    v6 = {n['ip'] for n in nbrs if ':' in n['ip']}
    missing = sorted(a for a in addrs.values() if a and a not in v6)
    result.check('REST lists the hosts\' IPv6 addresses as neighbours', not missing, {'missing': missing, 'v6': sorted(v6)} if missing else None)


def scenario(net, args, result):
    if not args.options.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    started = time.monotonic()
    prepare_hosts(net)
    if not step_connect(net, args, result):
        return
    step_discovery(net, args, result, started)
    addrs = step_slaac(net, result)
    step_gateways6(net, result)
    step_pingall6(net, addrs, result)
    step_flows6(net, result)
    step_traceroute6(net, addrs, result)
    step_errors6(net, addrs, result)
    step_rest(args, addrs, result)
    p = pingall(net)
    result.note('pingall4', p)
    result.check('IPv4 pingall: 0% loss', p['lost'] == 0, p if p['lost'] else None)


if __name__ == '__main__':
    run('routing_ipv6', scenario)

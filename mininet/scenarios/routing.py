#!/usr/bin/python3
"""
Inter-subnet IPv4 routing with weft's routing app (apps table-miss, topology, l2-learning,
routing; interfaces 10.0.1.1/24, 10.0.2.1/24, 10.0.3.1/24 configured in weft). The hosts of
the topology are spread over the three subnets (host i -> 10.0.(i mod 3 + 1).(10 + i), default
route via the .1 gateway), so every subnet spans several switches. Checks, in order:

  gateways answer ping; pingall 0% twice; TTL decremented once across subnets and untouched
  within one; ping -t 1 across subnets answered "time to live exceeded" by the sender's gateway
  (a traceroute's first hop), through the FIB flow's INVALID_TTL packet-in; iperf3 TCP from the first host
  to the last (other subnets) in the datapath; a host added as a router (ip_forward on, a second
  interface towards an external host in 10.0.9.0/24): with a static route 10.0.9.0/24 via it
  (REST) the external host answers; after the route is deleted, "destination net unreachable"
  from the gateway; an unused address of a configured subnet gets "destination host
  unreachable" after the ARP attempts.

Options: rest=URL (weft's REST API, required), settle=S (before the first ping, default 3),
iperf=S (default 5, 0 to skip).
"""
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.l2 import STATS_LAG_S, flow_table, pingall, rest_get  # noqa: E402
from weftnet.l2_steps import attachment, quiet_ipv6, step_connect, step_discovery, step_iperf  # noqa: E402
from weftnet.runner import run  # noqa: E402

EXTERNAL = '10.0.9.0/24'


def rest(args, method, path, body=None):
    # No content-type without a body: fastify refuses an empty application/json body.
    headers = {'content-type': 'application/json'} if body is not None else {}
    req = urllib.request.Request(args.options['rest'].rstrip('/') + path, method=method, data=json.dumps(body).encode() if body is not None else None, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read().decode() or 'null')
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read().decode() or 'null')


def subnet_of(i):
    return i % 3 + 1


def address_hosts(net):
    for i, h in enumerate(net.hosts):
        s = subnet_of(i)
        h.setIP('10.0.%d.%d' % (s, 10 + i), prefixLen=24)
        h.cmd('ip route replace default via 10.0.%d.1' % s)


def ping_text(src, dst_ip, extra=''):
    return src.cmd('ping -n -c1 -W3 %s %s' % (extra, dst_ip))


def step_gateways(net, result):
    bad = []
    for i, h in enumerate(net.hosts):
        gw = '10.0.%d.1' % subnet_of(i)
        out = ping_text(h, gw)
        if ' 1 received' not in out:
            bad.append({'host': h.name, 'gateway': gw, 'out': out[-200:]})
    result.check('gateways answer ping', not bad, bad[:3] or None)


def fib_packets(switch, ip):
    """n_packets of the routing table's forwarding flow for ip/32 on a switch (None if absent)."""
    for f in flow_table(switch):
        if 'nw_dst=%s,' % ip in f['match'] + ',' and 'dec_ttl' in f['actions']:
            return f['packets']
    return None


def step_ttl(net, result):
    a, same, other = net.hosts[0], net.hosts[3], net.hosts[1]  # subnets 1, 1, 2
    routed = re.search(r'ttl=(\d+)', ping_text(a, other.IP()))
    local = re.search(r'ttl=(\d+)', ping_text(a, same.IP()))
    got = {'routed': routed and int(routed.group(1)), 'sameSubnet': local and int(local.group(1))}
    result.check('TTL decremented once across subnets, untouched within one', got == {'routed': 63, 'sameSubnet': 64}, got)
    sw = attachment(a).node
    time.sleep(STATS_LAG_S)
    before = fib_packets(sw, other.IP())
    out = ping_text(a, other.IP(), '-t 1')
    ok = 'From 10.0.1.1' in out and 'Time to live exceeded' in out
    result.check('ping -t 1 across subnets: time exceeded from the gateway (first traceroute hop)', ok, None if ok else out[-300:])
    # The probe hit the FIB flow pingall installed: its dec_ttl sent it up as INVALID_TTL (the
    # SET_ASYNC weft sends at switch up is what makes Open vSwitch do that).
    time.sleep(STATS_LAG_S)
    after = fib_packets(sw, other.IP())
    result.check('the expired probe came through the FIB flow (INVALID_TTL packet-in)', before is not None and after == before + 1, {'before': before, 'after': after})
    out2 = ping_text(a, other.IP(), '-t 2')
    result.check('ping -t 2 across subnets reaches the host (one router hop)', ' 1 received' in out2, None if ' 1 received' in out2 else out2[-300:])
    step_traceroute(a, other, result)


def step_traceroute(src, dst, result):
    """A real traceroute: hop 1 is the source's gateway, hop 2 the destination. ICMP probes (-I):
    UDP probes would leave the host with an offloaded (unfilled) checksum, which the userspace
    datapath passes on as is and the destination's kernel drops before answering."""
    out = src.cmd('traceroute -I -n -q 1 -w 2 -m 4 %s' % dst.IP())
    hops = re.findall(r'^\s*(\d+)\s+(\S+)', out, re.M)
    got = [ip for _, ip in hops]
    ok = got[:2] == ['10.0.1.1', dst.IP()]
    result.check('traceroute across subnets: the gateway is hop 1, the host hop 2', ok, None if ok else out[-400:])


def step_router_host(net, args, result):
    """A host with ip_forward on between subnet 3 and 10.0.9.0/24, and a host behind it."""
    p = args.prefix
    r = net.addHost('%sr1' % p)
    x = net.addHost('%sx1' % p)
    sw = net.switches[0]
    link = net.addLink(r, sw)
    sw.attach(link.intf2)
    net.addLink(r, x)
    r.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv4.ip_forward=1')
    x.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=1')
    r.setIP('10.0.3.2', prefixLen=24, intf='%sr1-eth0' % p)
    r.setIP('10.0.9.1', prefixLen=24, intf='%sr1-eth1' % p)
    r.cmd('ip route replace default via 10.0.3.1')
    x.setIP('10.0.9.2', prefixLen=24, intf='%sx1-eth0' % p)
    x.cmd('ip route replace default via 10.0.9.1')
    # The router host speaks first (as a router would): weft learns where it is.
    ping_text(r, '10.0.3.1')
    return r, x


def step_static_route(net, args, result):
    r, x = step_router_host(net, args, result)
    src = net.hosts[0]
    status, body = rest(args, 'POST', '/api/v1/apps/routing/routes', {'prefix': EXTERNAL, 'nextHop': '10.0.3.2'})
    state = None
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        routes = rest_get(args, '/api/v1/apps/routing/routes') or []
        state = next((x2.get('state') for x2 in routes if x2['prefix'] == EXTERNAL), None)
        if state == 'resolved':
            break
        time.sleep(0.3)
    result.check('static route added (REST) and its next hop resolved', status == 201 and state == 'resolved', {'status': status, 'body': body, 'state': state})
    # The very first packet through a just-added route was lost once in many CI runs (see
    # docs/ROUTING.md, known issues): it is sent and recorded apart, the check is on the next three.
    first = src.cmd('ping -n -c1 -W3 10.0.9.2')
    result.note('staticRouteFirstPingOk', ' 0% packet loss' in first)
    out = src.cmd('ping -n -c3 -i0.3 -W3 10.0.9.2')
    ttl = re.search(r'ttl=(\d+)', out)
    ok = ' 0% packet loss' in out and ttl is not None and int(ttl.group(1)) == 62
    result.check('static route: ping through the router host (ttl 62: two routers)', ok, None if ok else out[-300:])
    status, _ = rest(args, 'DELETE', '/api/v1/apps/routing/routes/10.0.9.0/24')
    # Bounded convergence: in about one CI run of three the first ping right after the DELETE was
    # still forwarded (cause not found yet, see docs/ROUTING.md); a few tries over ~2 s are allowed.
    tries = 0
    while True:
        tries += 1
        out = ping_text(src, '10.0.9.2')
        ok = status == 200 and 'From 10.0.1.1' in out and 'Destination Net Unreachable' in out
        if ok or tries >= 5:
            break
        time.sleep(0.5)
    result.note('routeDeletedPings', tries)
    result.check('route deleted: destination net unreachable from the gateway', ok, None if ok else {'status': status, 'tries': tries, 'out': out[-300:]})


def step_unknown_host(net, result):
    src = net.hosts[1]  # subnet 2
    started = time.monotonic()
    out = src.cmd('ping -n -c1 -W8 10.0.1.200')
    took = round(time.monotonic() - started, 1)
    ok = 'From 10.0.2.1' in out and 'Destination Host Unreachable' in out
    result.check('unknown address of a configured subnet: destination host unreachable after the ARP timeout', ok and took >= 2.5, {'seconds': took, 'out': out[-200:]})


def step_flows(net, result):
    """What the routing app installed, as the switches show it."""
    fib = 0
    dec = 0
    for s in net.switches:
        for f in flow_table(s):
            if 'dec_ttl' in f['actions']:
                dec += 1
            if f['actions'].startswith('goto_table:1'):
                fib += 1
    result.note('routingFlows', {'decTtlFlows': dec, 'gotoFibFlows': fib})
    result.check('routing flows in the switches (goto table 1, dec_ttl + rewrite)', dec > 0 and fib > 0, {'decTtl': dec, 'gotoFib': fib})


def scenario(net, args, result):
    if not args.options.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    started = time.monotonic()
    quiet_ipv6(net)
    address_hosts(net)
    if not step_connect(net, args, result):
        return
    step_discovery(net, args, result, started)
    time.sleep(float(args.options.get('settle', 3)))
    step_gateways(net, result)
    for n in (1, 2):
        p = pingall(net)
        result.note('pingall%d' % n, p)
        result.check('pingall round %d: 0%% loss' % n, p['lost'] == 0, p if p['lost'] else None)
    step_flows(net, result)
    step_ttl(net, result)
    seconds = int(args.options.get('iperf', 5))
    if seconds > 0:
        step_iperf(net, args, result, seconds)
        pins = (result.notes.get('iperf') or {}).get('weftPacketIns')
        result.check('iperf3 across subnets: weft saw almost none of it', pins is not None and pins < 100, {'weftPacketIns': pins})
    step_static_route(net, args, result)
    step_unknown_host(net, result)


if __name__ == '__main__':
    run('routing', scenario)

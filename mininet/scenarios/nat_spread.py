#!/usr/bin/python3
"""
NAT with its hosts spread over five switches (topology linear,5; one host per switch), for either
backend (weft's config chooses it). Router interfaces 192.168.1.1/24 and 203.0.113.100/24; rules:
masquerade 192.168.1.0/24 -> 203.0.113.100, static 192.168.1.5 <-> 203.0.113.105, forward tcp
203.0.113.100:8080 -> 192.168.1.2:80.

  s1 h1 inside 192.168.1.2 (HTTP server, the port-forward target)
  s2 h2 outside 203.0.113.20 (a client from outside)
  s3 h3 outside 203.0.113.10 (the server: TCP and UDP echo)
  s4 h4 inside 192.168.1.4
  s5 h5 inside 192.168.1.5 (statically NATed, HTTP server)

So a connection's first packet enters at one switch and its replies at another (s3 for the
server, s1 or s5 for connections from outside), and the path between them crosses a third.
Checks: TCP and UDP through masquerade from h1 and h4 to the server (replies enter at s3), seen
by the server as 203.0.113.100 only; TCP from h1 to h2 (replies at s2); ping through masquerade;
port forwarding from h2 and from h3 to h1; static NAT both ways with h5.

Options: rest=URL (weft's REST API, required), settle=S (default 3).
"""
import json
import os
import sys
import time
import urllib.request

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scenarios.nat import CLIENT, ECHO_SERVER, HTTP_SERVER  # noqa: E402
from weftnet.checks import stop_procs  # noqa: E402
from weftnet.l2 import wait_discovery  # noqa: E402
from weftnet.l2_steps import quiet_ipv6, step_connect, tx_checksum_off  # noqa: E402
from weftnet.runner import run  # noqa: E402

SERVER_IP = '203.0.113.10'
ADDRESSES = [('192.168.1.2', '192.168.1.1'), ('203.0.113.20', '203.0.113.100'), (SERVER_IP, '203.0.113.100'), ('192.168.1.4', '192.168.1.1'), ('192.168.1.5', '192.168.1.1')]


def rest_get(args, path):
    with urllib.request.urlopen(args.options['rest'].rstrip('/') + path, timeout=5) as r:
        return json.loads(r.read().decode())


def peers(log, since=0):
    return [l.split() for l in open(log).read().splitlines()[since:]]


def scenario(net, args, result):
    if not args.options.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    started = time.monotonic()
    result.time_checks(started)
    h1, h2, h3, h4, h5 = net.hosts[:5]
    quiet_ipv6(net)
    for h, (ip, gw) in zip(net.hosts, ADDRESSES):
        h.setIP(ip, prefixLen=24)
        h.cmd('ip route replace default via %s' % gw)
    offload = [tx_checksum_off(h) for h in net.hosts]
    if not step_connect(net, args, result):
        return
    wait_discovery(net, args, result, started, timeout_s=20)
    time.sleep(float(args.options.get('settle', 3)))
    d = '/tmp/%s-nat' % args.prefix
    os.makedirs(d, exist_ok=True)
    for name, text in (('echo.py', ECHO_SERVER), ('client.py', CLIENT), ('http.py', HTTP_SERVER)):
        with open('%s/%s' % (d, name), 'w') as f:
            f.write(text)
    log = d + '/peers.log'
    procs = [h3.popen(['/usr/bin/python3', d + '/echo.py', log]), h2.popen(['/usr/bin/python3', d + '/echo.py', d + '/h2-peers.log'])]
    for h in (h1, h5):
        procs.append(h.popen(['/usr/bin/python3', d + '/http.py', h.IP()], stdout=open('%s/%s-http.log' % (d, h.name), 'w'), stderr=-2))
    try:
        time.sleep(1)
        client = lambda h, *a: h.cmd('/usr/bin/python3 %s/client.py %s' % (d, ' '.join(str(x) for x in a))).strip()
        result.check('tx checksum offload off on every host', all(offload), offload)

        outs = {}
        ps = [(h, h.popen(['/usr/bin/python3', d + '/client.py', 'tcp', SERVER_IP, '9000', 'hello-%s-%d' % (h.name, k)], stdout=-1, stderr=-1)) for h in (h1, h4) for k in range(3)]
        for h, p in ps:
            o, _ = p.communicate(timeout=15)
            outs.setdefault(h.name, []).append(o.decode().strip())
        ok = all(all(x.startswith('hello-') for x in v) for v in outs.values())
        result.check('masquerade: TCP from h1 (s1) and h4 (s4) to the server on s3 all work', ok, outs)
        time.sleep(0.5)
        tcp_peers = sorted({p[1] for p in peers(log) if p[0] == 'tcp'})
        result.check('masquerade: the server saw TCP only from 203.0.113.100', tcp_peers == ['203.0.113.100'], tcp_peers)

        udp = [client(h, 'udp', SERVER_IP, 9001, 'u-%s' % h.name) for h in (h1, h4)]
        result.check('masquerade: UDP from h1 and h4 works', udp == ['u-%s' % h1.name, 'u-%s' % h4.name], udp)
        udp_peers = sorted({p[1] for p in peers(log) if p[0] == 'udp'})
        result.check('masquerade: the server saw UDP only from 203.0.113.100', udp_peers == ['203.0.113.100'], udp_peers)

        other = client(h1, 'tcp', '203.0.113.20', 9000, 'to-h2')
        result.check('masquerade: TCP from h1 (s1) to h2 (s2)', other == 'to-h2', other)

        pings = [h.cmd('ping -n -c2 -W3 %s' % SERVER_IP) for h in (h1, h4)]
        result.check('masquerade: ping from h1 and h4 to the server', all(' 2 received' in o for o in pings), [o[-160:] for o in pings])

        fwd = [client(h, 'http', '203.0.113.100', 8080, '-') for h in (h2, h3)]
        result.check('port forwarding: 203.0.113.100:8080 reaches h1 (s1) from h2 (s2) and h3 (s3)', fwd == ['weft-nat-ok'] * 2, fwd)

        got = client(h3, 'http', '203.0.113.105', 80, '-')
        result.check('static NAT: the server reaches 203.0.113.105 (h5 on s5)', got == 'weft-nat-ok', got)
        before = len(peers(log))
        back = client(h5, 'tcp', SERVER_IP, 9000, 'from-h5')
        seen = [p[1] for p in peers(log, before)]
        result.check('static NAT: h5 connects out as 203.0.113.105', back == 'from-h5' and seen == ['203.0.113.105'], {'reply': back, 'peers': seen})

        if args.options.get('backend') == 'openflow':
            sessions = rest_get(args, '/api/v1/apps/nat/sessions')['sessions']
            tcp = [x for x in sessions if x['protocol'] == 'tcp']
            result.note('sessions', len(sessions))
            result.check('openflow: TCP sessions listed in REST', len(tcp) >= 6, len(tcp))
    finally:
        stop_procs(procs)


if __name__ == '__main__':
    run('nat_spread', scenario)

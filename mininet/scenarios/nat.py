#!/usr/bin/python3
"""
NAT with weft's nat app on top of routing (apps table-miss, topology, l2-learning, routing, nat;
router interfaces 192.168.1.1/24 and 203.0.113.100/24; rules: masquerade 192.168.1.0/24 ->
203.0.113.100, static 192.168.1.3 <-> 203.0.113.103, forward tcp 203.0.113.100:8080 ->
192.168.1.2:80), for either backend (weft's config chooses it). Topology single,4: the first
three hosts are inside (192.168.1.2-4, gateway .1), the last is the outside server
203.0.113.10. Every address lives inside Mininet hosts. Checks, in order:

  inside hosts ping their gateway; the server runs a TCP echo server and a UDP echo server that
  log each peer address; h1 and h3 open TCP connections to it at the same time and all work,
  and the server saw them come from 203.0.113.100 only; UDP from h1 and h3 works, from
  203.0.113.100; ping h1/h3 -> server works; static NAT: the server fetches
  http://203.0.113.103/ from h2's small HTTP server, and h2's own connection to the server
  appears as 203.0.113.103; port forwarding: the server fetches http://203.0.113.100:8080/
  from h1's HTTP server on port 80; portable backend: a connected UDP socket on h1 to a closed
  port of the server gets ECONNREFUSED (the server's port unreachable, translated back by the
  controller), then the session cap and idle expiry.

Options: rest=URL (weft's REST API, required), settle=S (default 3).
"""
import json
import os
import sys
import time
import urllib.request

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.l2_steps import quiet_ipv6, step_connect, tx_checksum_off  # noqa: E402
from weftnet.runner import run  # noqa: E402

SERVER_IP = '203.0.113.10'

# A TCP and a UDP echo server that append "proto peer_ip" lines to a log (runs in the server host).
ECHO_SERVER = r'''
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
def tcp():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 9000)); s.listen(64)
    while True:
        c, a = s.accept(); log.write("tcp %s\n" % a[0])
        def serve(c=c):
            d = c.recv(100); c.sendall(d); c.close()
        threading.Thread(target=serve, daemon=True).start()
def udp():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 9001))
    while True:
        d, a = u.recvfrom(100); log.write("udp %s\n" % a[0]); u.sendto(d, a)
threading.Thread(target=tcp, daemon=True).start()
udp()
'''

# A minimal HTTP server on ADDR:80 answering every request with "weft-nat-ok".
HTTP_SERVER = r'''
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 80)); s.listen(16)
print("listening", flush=True)
def serve(c):
    c.recv(1000); c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\nweft-nat-ok\n"); c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
'''

# A client: proto host port message -> prints what came back (or ERR ...).
CLIENT = r'''
import socket, sys
proto, host, port, msg = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
try:
    if proto == "tcp":
        s = socket.create_connection((host, port), timeout=5); s.sendall(msg); print(s.recv(100).decode()); s.close()
    elif proto == "udp":
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3)
        for _ in range(3):
            u.sendto(msg, (host, port))
            try:
                print(u.recvfrom(100)[0].decode()); break
            except socket.timeout:
                pass
        else:
            print("ERR timeout")
    elif proto == "udp-closed":
        # A connected UDP socket to a closed port: the ICMP port unreachable that comes back is
        # matched to this socket by the packet it quotes, and raises ECONNREFUSED.
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(3); u.connect((host, port))
        try:
            u.send(msg); u.recv(100); print("ERR answered")
        except ConnectionRefusedError:
            print("refused")
        except socket.timeout:
            print("ERR timeout")
    else:
        # A plain GET on a socket (urllib would honour any http_proxy of the environment).
        s = socket.create_connection((host, port), timeout=5); s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(1000)
            if not chunk:
                break
            data += chunk
        print(data.split(b"\r\n\r\n", 1)[-1].decode().strip())
except Exception as e:
    print("ERR %r" % e)
'''


def rest_get(args, path):
    with urllib.request.urlopen(args.options['rest'].rstrip('/') + path, timeout=5) as r:
        return json.loads(r.read().decode())


def nat_stats(args):
    return next(a for a in rest_get(args, '/api/v1/apps') if a['name'] == 'nat')['stats']


FLOOD = r'''
import socket, sys
socks = []
for i in range(int(sys.argv[3])):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.sendto(b"flood", (sys.argv[1], int(sys.argv[2]))); socks.append(u)
print("sent", len(socks))
'''


def step_flood(args, result, inside, d, client):
    """openflow backend (weft configured with maxSessions 40, udpIdleSec 3): a flood of new UDP
    flows from h3 fills the table and is refused (counted); once idle, sessions expire and new
    connections work again."""
    with open(d + '/flood.py', 'w') as f:
        f.write(FLOOD)
    before = nat_stats(args)
    out = inside[2].cmd('/usr/bin/python3 %s/flood.py %s 9001 120' % (d, SERVER_IP)).strip()
    time.sleep(1)
    after = nat_stats(args)
    refused = after['refusedFull'] - before['refusedFull']
    result.check('session cap: a flood of new connections is refused and counted', refused > 0 and after['active'] <= 40, {'refused': refused, 'active': after['active'], 'flood': out})
    # Let every UDP session idle out (3 s flows) and the flow-removed messages free them.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and nat_stats(args)['active'] > 0:
        time.sleep(1)
    st = nat_stats(args)
    udp = client(inside[0], 'udp', SERVER_IP, 9001, 'again')
    result.check('idle sessions expire (flow removed) and new connections work again', st['active'] == 0 and st['flowRemoved'] > 0 and udp == 'again', {'stats': st, 'udp': udp})


def scenario(net, args, result):
    if not args.options.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    inside, server = net.hosts[:3], net.hosts[3]
    quiet_ipv6(net)
    for i, h in enumerate(inside):
        h.setIP('192.168.1.%d' % (2 + i), prefixLen=24)
        h.cmd('ip route replace default via 192.168.1.1')
    server.setIP(SERVER_IP, prefixLen=24)
    server.cmd('ip route replace default via 203.0.113.100')
    # Translated TCP/UDP needs real checksums to rewrite (veth leaves them to offload).
    offload = [tx_checksum_off(h) for h in net.hosts]
    if not step_connect(net, args, result):
        return
    time.sleep(float(args.options.get('settle', 3)))
    d = '/tmp/%s-nat' % args.prefix
    os.makedirs(d, exist_ok=True)
    with open(d + '/echo.py', 'w') as f:
        f.write(ECHO_SERVER)
    with open(d + '/client.py', 'w') as f:
        f.write(CLIENT)
    log = d + '/peers.log'
    procs = [server.popen(['/usr/bin/python3', d + '/echo.py', log])]
    with open(d + '/http.py', 'w') as f:
        f.write(HTTP_SERVER)
    for h in inside[:2]:
        procs.append(h.popen(['/usr/bin/python3', d + '/http.py', h.IP()], stdout=open('%s/%s-http.log' % (d, h.name), 'w'), stderr=-2))
    try:
        time.sleep(1)
        client = lambda h, *a: h.cmd('/usr/bin/python3 %s/client.py %s' % (d, ' '.join(str(x) for x in a))).strip()
        result.check('tx checksum offload off on every host', all(offload), offload)
        gw = [h.cmd('ping -n -c1 -W3 192.168.1.1') for h in inside]
        result.check('inside hosts ping their gateway', all(' 1 received' in o for o in gw), [o[-120:] for o in gw if ' 1 received' not in o] or None)

        # Several inside hosts connect to the same outside port at once.
        outs = {}
        ps = [(h, h.popen(['/usr/bin/python3', d + '/client.py', 'tcp', SERVER_IP, '9000', 'hello-%s-%d' % (h.name, k)], stdout=-1, stderr=-1)) for h in (inside[0], inside[2]) for k in range(3)]
        for h, p in ps:
            o, _ = p.communicate(timeout=15)
            outs.setdefault(h.name, []).append(o.decode().strip())
        ok = all(all(x.startswith('hello-') for x in v) for v in outs.values())
        result.check('masquerade: concurrent TCP connections from h1 and h3 all work', ok, outs)
        time.sleep(0.5)
        peers = [l.split() for l in open(log).read().splitlines()]
        tcp_peers = sorted({p[1] for p in peers if p[0] == 'tcp'})
        result.check('masquerade: the server saw TCP only from 203.0.113.100', tcp_peers == ['203.0.113.100'], tcp_peers)

        udp = [client(h, 'udp', SERVER_IP, 9001, 'u-%s' % h.name) for h in (inside[0], inside[2])]
        result.check('masquerade: UDP from h1 and h3 works', udp == ['u-%s' % inside[0].name, 'u-%s' % inside[2].name], udp)
        peers = [l.split() for l in open(log).read().splitlines()]
        udp_peers = sorted({p[1] for p in peers if p[0] == 'udp'})
        result.check('masquerade: the server saw UDP only from 203.0.113.100', udp_peers == ['203.0.113.100'], udp_peers)

        pings = [h.cmd('ping -n -c2 -W3 %s' % SERVER_IP) for h in (inside[0], inside[2])]
        result.check('masquerade: ping from h1 and h3 to the server', all(' 2 received' in o for o in pings), [o[-160:] for o in pings])

        got = client(server, 'http', '203.0.113.103', 80, '-')
        result.check('static NAT: the server reaches 203.0.113.103 (h2 HTTP server)', got == 'weft-nat-ok', got)
        before = len(open(log).read().splitlines())
        back = client(inside[1], 'tcp', SERVER_IP, 9000, 'from-h2')
        peers = [l.split() for l in open(log).read().splitlines()[before:]]
        result.check('static NAT: h2 connects out as 203.0.113.103', back == 'from-h2' and [p[1] for p in peers] == ['203.0.113.103'], {'reply': back, 'peers': peers})

        got = client(server, 'http', '203.0.113.100', 8080, '-')
        result.check('port forwarding: 203.0.113.100:8080 reaches 192.168.1.2:80', got == 'weft-nat-ok', got)
        sessions = rest_get(args, '/api/v1/apps/nat/sessions')
        if args.options.get('backend') == 'conntrack':
            flows = net.switches[0].cmd('ovs-ofctl -O OpenFlow13 dump-flows %s' % net.switches[0].name)
            committed = [l for l in flows.splitlines() if 'ct(commit' in l and 'n_packets=0,' not in l]
            result.check('conntrack: translations committed in the datapath, no sessions in weft', len(committed) >= 3 and sessions['sessions'] == [], {'committedFlowsHit': len(committed), 'sessions': len(sessions['sessions'])})
        else:
            protos = sorted({x['protocol'] for x in sessions['sessions']})
            result.check('openflow: sessions listed in REST (tcp, udp, icmp)', protos == ['icmp', 'tcp', 'udp'], protos)
            # The server's port unreachable goes to 203.0.113.100 quoting the translated datagram;
            # h1's socket sees it only if the controller put h1's own address and port back.
            refused = client(inside[0], 'udp-closed', SERVER_IP, 9, 'closed')
            errs = nat_stats(args).get('icmpErrorsTranslated', 0)
            result.check('openflow: an ICMP error from outside reaches the inside socket (ECONNREFUSED)', refused == 'refused' and errs >= 1, {'client': refused, 'icmpErrorsTranslated': errs})
            step_flood(args, result, inside, d, client)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=3)
            except Exception:  # noqa: BLE001
                p.kill()


if __name__ == '__main__':
    run('nat', scenario)

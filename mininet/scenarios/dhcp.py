#!/usr/bin/python3
"""
DHCP from weft's dhcp app with real clients (ISC dhclient) on two routed subnets. weft runs apps
table-miss, topology, l2-learning, routing (10.0.1.1/24, 10.0.2.1/24) and dhcp (no pools in its
config). Topology tree,2,2: s1 joins s2 (h1, h2) and s3 (h3, h4). Checks, in order:

  pools added over REST: 10.0.1.0/24 on s2 (range .100-.150, 16 s leases so a renewal comes
  soon), 10.0.2.0/24 on s3 with a single address; h2 has a static 10.0.1.250 and runs its own
  DHCP server (busybox udhcpd, offering .200-.210); h1 and h3 run dhclient and get 10.0.1.x from
  the range and 10.0.2.100, from server 10.0.1.1 / 10.0.2.1 (never from h2); they ping each
  other through the router; h1 renews (T1) and keeps its address; h4 asks the exhausted pool and
  gets no address (weft counts it); h3 releases and h4 then gets 10.0.2.100; DHCP server replies
  h2 sends by hand (broadcast, from port 67, once udhcpd is stopped) never reach h1 and hit the
  drop flow; h1, h2 and h4 (two routed subnets) all ping each other.

Options: rest=URL (weft's REST API, required), settle=S (default 2).
"""
import json
import os
import re
import sys
import time
import urllib.request

sys.dont_write_bytecode = True

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.checks import stop_procs  # noqa: E402
from weftnet.l2 import flow_table, wait_discovery  # noqa: E402
from weftnet.l2_steps import quiet_ipv6, step_connect  # noqa: E402
from weftnet.runner import run  # noqa: E402

# Configures the interface from dhclient's variables, and logs each event; never touches
# /etc/resolv.conf (Mininet hosts share the machine's file system).
SCRIPT = r'''#!/bin/sh
echo "$reason $new_ip_address $new_dhcp_server_identifier" >> "$(dirname "$0")/$interface.events"
case "$reason" in
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    if [ -n "$old_ip_address" ] && [ "$old_ip_address" != "$new_ip_address" ]; then ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" 2>/dev/null; fi
    ip addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
    [ -n "$new_routers" ] && ip route replace default via "${new_routers%% *}" dev "$interface"
    ;;
  EXPIRE|FAIL|RELEASE|STOP)
    [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/$old_subnet_mask" dev "$interface" 2>/dev/null
    ;;
esac
exit 0
'''

CONF = '''timeout 8;
retry 1;
initial-interval 1;
backoff-cutoff 2;
request subnet-mask, broadcast-address, routers;
'''

# A rogue server's answer sent by hand: a broadcast DHCP OFFER from port 67.
ROGUE_OFFER = r'''
import socket, struct, sys
mac = bytes.fromhex(sys.argv[1].replace(":", ""))
msg = struct.pack("!BBBBIHH4s4s4s4s16s64s128sI", 2, 1, 6, 0, 0x5eed, 0, 0x8000, b"\0"*4, socket.inet_aton("10.0.1.201"), b"\0"*4, b"\0"*4, mac + b"\0"*10, b"\0"*64, b"\0"*128, 0x63825363)
msg += bytes([53, 1, 2, 54, 4]) + socket.inet_aton("10.0.1.250") + bytes([255])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.bind(("10.0.1.250", 67))
for _ in range(int(sys.argv[2])):
    s.sendto(msg, ("255.255.255.255", 68))
print("sent")
'''


def rest(args, method, path, body=None):
    req = urllib.request.Request(args.options['rest'].rstrip('/') + path, method=method, data=None if body is None else json.dumps(body).encode(), headers={'content-type': 'application/json'})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read().decode() or 'null')
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def stats(args):
    return next(a for a in rest(args, 'GET', '/api/v1/apps')[1] if a['name'] == 'dhcp')['stats']


def addr(h):
    out = h.cmd('ip -4 -o addr show dev %s' % h.defaultIntf().name).split()
    return out[out.index('inet') + 1].split('/')[0] if 'inet' in out else None


def scenario(net, args, result):
    if not args.options.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    started = time.monotonic()
    result.time_checks(started)
    s1, s2, s3 = net.switches[:3]
    h1, h2, h3, h4 = net.hosts[:4]
    quiet_ipv6(net)
    for h in net.hosts:
        h.cmd('ip addr flush dev %s' % h.defaultIntf().name)
    h2.cmd('ip addr add 10.0.1.250/24 dev %s' % h2.defaultIntf().name)
    h2.cmd('ip route replace default via 10.0.1.1')
    if not step_connect(net, args, result):
        return
    wait_discovery(net, args, result, started, timeout_s=20)
    time.sleep(float(args.options.get('settle', 2)))
    d = '/tmp/%s-dhcp' % args.prefix
    os.makedirs(d, exist_ok=True)
    with open(d + '/script.sh', 'w') as f:
        f.write(SCRIPT)
    os.chmod(d + '/script.sh', 0o755)
    with open(d + '/dhclient.conf', 'w') as f:
        f.write(CONF)
    with open(d + '/rogue.py', 'w') as f:
        f.write(ROGUE_OFFER)
    with open(d + '/udhcpd.conf', 'w') as f:
        f.write('start 10.0.1.200\nend 10.0.1.210\ninterface %s\nlease_file %s/udhcpd.leases\npidfile %s/udhcpd.pid\noption subnet 255.255.255.0\noption router 10.0.1.250\n' % (h2.defaultIntf().name, d, d))
    open(d + '/udhcpd.leases', 'w').close()

    def dhclient(h, *extra):
        """dhclient once (exit 2 without a lease); bound, it stays as a daemon that renews."""
        return h.cmd('dhclient -4 -v -1 -cf %s/dhclient.conf -sf %s/script.sh -lf %s/%s.leases -pf %s/%s.pid %s %s; echo rc=$?' % (d, d, d, h.name, d, h.name, ' '.join(extra), h.defaultIntf().name))

    procs = []
    try:
        a = rest(args, 'POST', '/api/v1/apps/dhcp/pools', {'interface': '10.0.1.1', 'range': ['10.0.1.100', '10.0.1.150'], 'leaseSec': 16, 'attach': [{'dpid': s2.dpid}]})
        b = rest(args, 'POST', '/api/v1/apps/dhcp/pools', {'interface': '10.0.2.1', 'range': ['10.0.2.100', '10.0.2.100'], 'attach': [{'dpid': s3.dpid}]})
        result.check('pools added over REST', a[0] == 201 and b[0] == 201, {'a': a, 'b': b})
        procs.append(h2.popen(['busybox', 'udhcpd', '-f', d + '/udhcpd.conf'], stdout=open(d + '/udhcpd.log', 'w'), stderr=-2))
        time.sleep(0.5)
        result.check('a rogue DHCP server runs on h2', procs[0].poll() is None, open(d + '/udhcpd.log').read()[-300:])

        out1 = dhclient(h1)
        out3 = dhclient(h3)
        ip1, ip3 = addr(h1), addr(h3)
        ok1 = ip1 is not None and 100 <= int(ip1.split('.')[3]) <= 150 and ip1.startswith('10.0.1.')
        result.check('dhclient on h1 (s2) and h3 (s3) get addresses of their subnets', ok1 and ip3 == '10.0.2.100', {'h1': ip1, 'h3': ip3, 'out1': out1[-400:], 'out3': out3[-400:]})
        events = open('%s/%s.events' % (d, h1.defaultIntf().name)).read()
        result.check('the lease came from weft (server 10.0.1.1), not from the rogue server', 'BOUND %s 10.0.1.1' % ip1 in events and '10.0.1.250' not in events, events)
        p13 = h1.cmd('ping -n -c3 -i0.3 -W2 10.0.2.100')
        p31 = h3.cmd('ping -n -c3 -i0.3 -W2 %s' % ip1)
        result.check('h1 and h3 ping each other through the router', ' 3 received' in p13 and ' 3 received' in p31, {'h1->h3': p13[-200:], 'h3->h1': p31[-200:]})

        before = stats(args)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and stats(args)['renews'] == before['renews']:
            time.sleep(0.5)
        time.sleep(0.5)
        after = stats(args)
        events = open('%s/%s.events' % (d, h1.defaultIntf().name)).read()
        result.check('h1 renews its lease (T1) and keeps its address', after['renews'] > before['renews'] and addr(h1) == ip1 and ('RENEW %s' % ip1) in events, {'renews': after['renews'], 'addr': addr(h1), 'events': events})

        ex = stats(args)['exhausted']
        out4 = dhclient(h4)
        ex2 = stats(args)['exhausted']
        result.check('the exhausted pool answers no one (h4 gets nothing), counted', addr(h4) is None and 'rc=2' in out4 and ex2 > ex, {'addr': addr(h4), 'exhausted': [ex, ex2], 'out': out4[-300:]})

        rel = h3.cmd('dhclient -4 -r -cf %s/dhclient.conf -sf %s/script.sh -lf %s/%s.leases -pf %s/%s.pid %s; echo rc=$?' % (d, d, d, h3.name, d, h3.name, h3.defaultIntf().name))
        time.sleep(0.5)
        leases = rest(args, 'GET', '/api/v1/apps/dhcp/leases')[1]
        gone = not any(l['ip'] == '10.0.2.100' for l in leases)
        out4 = dhclient(h4)
        result.check('h3 releases 10.0.2.100 and h4 then gets it', gone and addr(h4) == '10.0.2.100', {'release': rel[-200:], 'leases': leases, 'h4': addr(h4), 'out': out4[-300:]})

        # The hand-made replies leave from h2's port 67, which udhcpd holds.
        procs[0].terminate()
        procs[0].wait(timeout=3)
        tcpdump = h1.popen(['tcpdump', '-n', '-l', '-i', h1.defaultIntf().name, 'udp and src port 67 and src host 10.0.1.250'], stdout=open(d + '/rogue.cap', 'w'), stderr=-2)
        procs.append(tcpdump)
        time.sleep(1)
        drop = lambda: sum(f['packets'] for f in flow_table(s2) if 'src=67' in f['match'] and 'dst=68' in f['match'] and f['actions'] == 'drop')
        d0 = drop()
        sent = h2.cmd('/usr/bin/python3 %s/rogue.py %s 5' % (d, h1.MAC())).strip()
        time.sleep(1)
        tcpdump.terminate()
        tcpdump.wait(timeout=3)
        seen = [l for l in open(d + '/rogue.cap').read().splitlines() if '10.0.1.250' in l]
        result.check('rogue server replies from h2 never reach h1 (dropped at s2)', sent == 'sent' and not seen and drop() - d0 >= 5, {'sent': sent, 'seen': seen[:3], 'dropped': drop() - d0})
        # Everyone with an address now (h1 and h4 by DHCP on two subnets, h2 static) reaches
        # everyone. Up to three tries a pair: the first packet to a new neighbour waits for ARP
        # on both sides, which on a loaded machine can outlast one ping's wait.
        hosts = [h1, h2, h4]
        ping = lambda a, b: re.search(r' [1-3] received', a.cmd('ping -n -c3 -i0.5 -W3 %s' % addr(b))) is not None
        lost = [(a.name, b.name) for a in hosts for b in hosts if a is not b and not ping(a, b)]
        result.check('pingall through the router: h1, h2 and h4 reach each other', not lost, {'lost': lost, 'addrs': {h.name: addr(h) for h in hosts}})
        leases = rest(args, 'GET', '/api/v1/apps/dhcp/leases')[1]
        result.note('leases', leases)
        result.note('stats', stats(args))
    finally:
        for h in (h1, h3, h4):
            pidfile = '%s/%s.pid' % (d, h.name)
            if os.path.exists(pidfile):
                try:
                    os.kill(int(open(pidfile).read().strip()), 15)
                except (ValueError, OSError):
                    pass
        stop_procs(procs)


if __name__ == '__main__':
    run('dhcp', scenario)

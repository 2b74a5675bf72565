"""
The steps of the L2 scenarios, each adding named checks and notes to the result:
discovery (links and hosts as weft's REST API reports them), pingall rounds, the second round
served by installed flows, no broadcast storm on loops, a link taken down and up again, and
iperf3 across the network. Scenarios (pingall, link_down, iperf) compose them in one Mininet
session so that each topology is built once.
"""
import json
import re
import time

from .checks import wait_connected
from .l2 import attachment, counters, delta, expected_links, packet_ins, port_no, ping_once, pingall, rest_get, switch_links, tx_checksum_off, wait_discovery, weft_links

# A broadcast storm makes these numbers thousands per second; an idle network with LLDP every
# 5 s and a few ARP broadcasts stays in the single digits.
STORM_MISS_PER_S = 20
STORM_RX_PER_S = 300
# Table-miss packets tolerated while traffic should be served by installed flows.
MISS_BOUND = 2


def hop_counts(net):
    """{(src host, dst host): switches on a shortest path} from the Mininet topology (BFS)."""
    adj = {s.name: set() for s in net.switches}
    for l in switch_links(net):
        a, b = l.intf1.node.name, l.intf2.node.name
        adj[a].add(b)
        adj[b].add(a)
    dist = {}
    for start in adj:
        d = {start: 0}
        todo = [start]
        while todo:
            cur = todo.pop(0)
            for nxt in adj[cur]:
                if nxt not in d:
                    d[nxt] = d[cur] + 1
                    todo.append(nxt)
        dist[start] = d
    at = {h.name: attachment(h).node.name for h in net.hosts}
    return {(a.name, b.name): dist[at[a.name]][at[b.name]] + 1 for a in net.hosts for b in net.hosts if a is not b}


def quiet_ipv6(net):
    """
    Turn IPv6 off in the hosts and on the switch ports. Left on, kernels send router
    solicitations, MLD reports and DAD probes, the switch ports' (root namespace veth ends)
    for minutes with backoff: each is a legitimate multicast (a packet-in per switch it is
    flooded to), and together they blur the count of packet-ins the pings themselves cause.
    """
    for h in net.hosts:
        h.cmd('sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1')
    for s in net.switches:
        names = [i.name for i in s.intfList() if i.name != 'lo']
        if names:
            s.cmd('sysctl -qw %s' % ' '.join('net.ipv6.conf.%s.disable_ipv6=1' % n for n in names))


def step_connect(net, args, result):
    late = wait_connected(net, args.connect_timeout)
    result.check('switches connected', not late, {'notConnected': late} if late else None)
    return not late


def step_discovery(net, args, result, started):
    links = wait_discovery(net, args, result, started)
    if links is None:
        return
    got = {(l['src']['dpid'], l['src']['port'], l['dst']['dpid'], l['dst']['port']) for l in links}
    want = expected_links(net)
    result.check('links match the topology', got == want, None if got == want else {'missing': sorted(want - got), 'extra': sorted(got - want)})


def step_hosts(net, args, result):
    """After pingall every host is known at its edge port with its IPv4 address."""
    hosts = rest_get(args, '/api/v1/topology/hosts')
    if hosts is None:
        return
    by_mac = {h['mac']: h for h in hosts}
    wrong = []
    for h in net.hosts:
        sw_intf = attachment(h)
        want = {'dpid': sw_intf.node.dpid, 'port': port_no(sw_intf), 'ip': h.IP()}
        got = by_mac.get(h.MAC())
        if not got or got['dpid'] != want['dpid'] or got['port'] != want['port'] or h.IP() not in got['ipv4']:
            wrong.append({'host': h.name, 'mac': h.MAC(), 'want': want, 'got': got})
    result.check('hosts learned at their edge ports', not wrong and len(hosts) == len(net.hosts), {'wrong': wrong[:5], 'count': len(hosts)} if wrong or len(hosts) != len(net.hosts) else None)


def step_pingall_rounds(net, args, result, rounds=2):
    """Round 1 learns; later rounds must be forwarded by the flows round 1 installed."""
    ok = True
    hops = hop_counts(net)
    for n in range(1, rounds + 1):
        before = counters(net)
        pins = packet_ins(args)
        r = pingall(net)
        after = counters(net)
        pins2 = packet_ins(args)
        d = delta(before, after)
        if pins is not None and pins2 is not None:
            d['weftPacketIns'] = pins2 - pins
        r['counters'] = d
        r['l2Flows'] = after['l2Flows']
        r['l2Cookies'] = after['l2Cookies']
        result.note('pingall%d' % n, r)
        ok = result.check('pingall round %d: 0%% loss' % n, r['lost'] == 0, None if r['lost'] == 0 else {'lost': r['lost'], 'failed': r['failed']}) and ok
        if n == 1:
            result.check('round 1 installed l2 flows', after['l2Flows'] > 0, {'l2Flows': after['l2Flows']})
        if n >= 2:
            # Every echo request and reply crosses each switch of its path by an l2 flow: one
            # packet that missed would leave the sum short (ARP refreshes only add to it). The
            # table-miss flow may see a stray frame at most.
            want = 2 * sum(hops.values())
            served = d['l2'] >= want and d['miss'] <= MISS_BOUND
            result.check('round %d served by installed flows' % n, served, {'l2Packets': d['l2'], 'l2PacketsWanted': want, 'missPackets': d['miss'], 'missBound': MISS_BOUND})
    return ok


def step_storm(net, args, result, window_s):
    """Sample table-miss packets and datapath rx over a window with a few broadcasts in it."""
    h1 = net.hosts[0]
    before = counters(net)
    pins = packet_ins(args)
    # ARP for an address nobody has: three broadcasts, one a second (the kernel's retries).
    # On a loop that is not cut, each would circle (and be copied) until the window ends.
    h1.sendCmd('ping -c1 -W3 10.0.0.250')
    time.sleep(window_s)
    h1.waitOutput()
    after = counters(net)
    pins2 = packet_ins(args)
    d = delta(before, after)
    secs = max(d['seconds'], 0.001)
    rates = {'missPerS': round(d['miss'] / secs, 1), 'rxPerS': round(d['rx'] / secs, 1), 'window': d}
    if pins is not None and pins2 is not None:
        rates['weftPacketInsPerS'] = round((pins2 - pins) / secs, 1)
    result.note('storm', rates)
    result.check('no storm: packet-ins bounded', rates['missPerS'] <= STORM_MISS_PER_S, {'missPerS': rates['missPerS'], 'bound': STORM_MISS_PER_S})
    result.check('no storm: datapath packets bounded', rates['rxPerS'] <= STORM_RX_PER_S, {'rxPerS': rates['rxPerS'], 'bound': STORM_RX_PER_S})


def _wait_links(args, want, timeout_s):
    """Seconds until weft reports `want` directed links (None without REST or on timeout)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        links = weft_links(args)
        if links is None:
            return None
        if len(links) == want:
            return round(time.monotonic() - t0, 2)
        time.sleep(0.1)
    return None


def _pingall_until_clean(net, deadline):
    attempts = []
    while True:
        r = pingall(net, wait_s=1)
        attempts.append(r)
        if r['lost'] == 0 or time.monotonic() > deadline:
            return attempts


def _ping_stream(src, dst, count, interval_s):
    return src.popen(['ping', '-n', '-q', '-i', str(interval_s), '-c', str(count), '-W', '1', dst.IP()])


def _received(proc, timeout_s):
    """Echo replies a finished ping stream got (None if it did not finish or print a summary)."""
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except Exception:  # noqa: BLE001
        proc.kill()
        return None
    m = re.search(r'(\d+) packets transmitted, (\d+) received', out.decode() if isinstance(out, bytes) else out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def _stream_note(counts, interval):
    """Lost replies x interval = how long forwarding between the two hosts was broken."""
    if not counts:
        return None
    sent, received = counts
    return {'intervalMs': int(interval * 1000), 'sent': sent, 'received': received, 'outageMs': int(round((sent - received) * interval * 1000))}


def step_link_down(net, args, result, timeout_s=30):
    """
    Take the s1-s2 link down under a 50-per-second ping stream from s1's host to s2's host; the
    replies lost say how long forwarding was broken. Then pingall until 0% loss (bounded), bring
    the link back, and pingall again.
    """
    a, b = '%ss1' % args.prefix, '%ss2' % args.prefix
    if not any({l.intf1.node.name, l.intf2.node.name} == {a, b} for l in switch_links(net)):
        result.fail('link down', 'no %s-%s link in %s' % (a, b, args.topo))
        return
    h1 = next(h for h in net.hosts if attachment(h).node.name == a)
    h2 = next(h for h in net.hosts if attachment(h).node.name == b)
    want = 2 * len(switch_links(net))
    interval = 0.02
    stream = _ping_stream(h1, h2, int(5 / interval), interval)
    time.sleep(1)
    t0 = time.monotonic()
    net.configLinkStatus(a, b, 'down')
    notice = _wait_links(args, want - 2, 10)
    counts = _received(stream, 15)
    # The stream covers 4 s after the link went down; if forwarding is still broken, keep
    # probing (bounded) so the result says whether it ever recovered.
    recovered = ping_once(h1, h2)
    while not recovered and time.monotonic() - t0 < timeout_s:
        recovered = ping_once(h1, h2)
    recovered_s = round(time.monotonic() - t0, 2) if recovered else None
    attempts = _pingall_until_clean(net, time.monotonic() + timeout_s)
    clean = attempts[-1]['lost'] == 0
    down = {
        'link': [a, b],
        'weftNoticedS': notice,
        'stream': _stream_note(counts, interval),
        'pingRecoveredByS': recovered_s,
        'pingallAttempts': [{'lost': x['lost'], 'ms': x['ms']} for x in attempts],
    }
    result.note('linkDown', down)
    if args.options.get('rest'):
        result.check('link down: weft removed the link', notice is not None, down)
    result.check('link down: %s -> %s ping recovers' % (h1.name, h2.name), recovered, down)
    result.check('link down: pingall 0% loss after reconvergence', clean, attempts[-1] if not clean else None)

    stream = _ping_stream(h1, h2, int(5 / interval), interval)
    time.sleep(1)
    net.configLinkStatus(a, b, 'up')
    back = _wait_links(args, want, 20)
    counts = _received(stream, 15)
    attempts = _pingall_until_clean(net, time.monotonic() + timeout_s)
    clean = attempts[-1]['lost'] == 0
    up = {
        'weftRediscoveredS': back,
        'stream': _stream_note(counts, interval),
        'pingallAttempts': [{'lost': x['lost'], 'ms': x['ms']} for x in attempts],
    }
    result.note('linkUp', up)
    if args.options.get('rest'):
        result.check('link up: weft rediscovered the link', back is not None, up)
    result.check('link up: pingall 0% loss', clean, attempts[-1] if not clean else None)


def step_iperf(net, args, result, seconds):
    """iperf3 TCP from the first host to the last one; the controller must not see the traffic."""
    src, dst = net.hosts[0], net.hosts[-1]
    offload = [tx_checksum_off(h) for h in (src, dst)]
    result.check('iperf3: tx checksum offload off on both hosts', all(offload), offload)
    server = dst.popen(['iperf3', '-s', '-1', '-p', '5201'])
    try:
        # The server needs a moment to listen; the client retries the connection briefly.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and '5201' not in dst.cmd('ss -ltn'):
            time.sleep(0.1)
        before = counters(net)
        pins = packet_ins(args)
        out = src.cmd('timeout %d iperf3 -J -c %s -p 5201 -t %d' % (seconds + 15, dst.IP(), seconds))
        after = counters(net)
        pins2 = packet_ins(args)
    finally:
        if server.poll() is None:
            server.terminate()
        try:
            server.wait(timeout=5)
        except Exception:  # noqa: BLE001
            server.kill()
    try:
        report = json.loads(out[out.index('{'):])
        end = report['end']
        bps = end['sum_received']['bits_per_second']
        retrans = end['sum_sent'].get('retransmits')
        sent_bytes = end['sum_sent']['bytes']
    except (ValueError, KeyError) as e:
        result.fail('iperf3 ran', '%s: %s' % (e, out[-500:]))
        return
    d = delta(before, after)
    r = {
        'from': src.name,
        'to': dst.name,
        'seconds': seconds,
        'mbitPerS': round(bps / 1e6, 1),
        'bytes': sent_bytes,
        'retransmits': retrans,
        'counters': d,
    }
    if pins is not None and pins2 is not None:
        r['weftPacketIns'] = pins2 - pins
    result.note('iperf', r)
    result.check('iperf3 ran', bps > 0, r)
    # l2 flow packets count every segment once per switch crossed: thousands at least. The
    # table-miss flow must stay near zero (a few ARP/ND frames at most).
    result.check('iperf3 in the datapath: no per-packet packet-ins', d['l2'] > 1000 and d['miss'] <= 10 and d['miss'] * 100 < d['l2'], {'l2Packets': d['l2'], 'missPackets': d['miss']})


"""
Measurements the L2 scenarios share: pingall with per-pair results, flow and port counters read
from Open vSwitch, weft's REST view (topology links and hosts, /metrics), and waiting for link
discovery.

Counters come from `ovs-ofctl -O OpenFlow13 dump-flows` / `dump-ports`, i.e. from the switch, not
from weft: the table-miss flow's n_packets is exactly what the datapath sent to the controller
because nothing matched; l2-learning's flows' n_packets is what the datapath forwarded on its own.
The userspace datapath pushes flow statistics to OpenFlow every ~0.5 s (revalidators), so every
sample first waits STATS_LAG_S.
"""
import json
import re
import subprocess
import time
import urllib.request

STATS_LAG_S = 1.2
FLOW_LINE = re.compile(r'\bn_packets=(\d+).*?\bpriority=(\d+)(,[^ ]*)? actions=(\S+)')
COOKIE = re.compile(r'\bcookie=(0x[0-9a-f]+)')
RX_PKTS = re.compile(r'\brx pkts=(\d+)')
LLDP_TYPE = 'dl_type=0x88cc'


def ofctl(*args):
    """ovs-ofctl against the instance in OVS_RUNDIR (inherited from the test's environment)."""
    out = subprocess.run(['ovs-ofctl', '-O', 'OpenFlow13'] + list(args), capture_output=True, text=True, timeout=10)
    return out.stdout


def flow_table(switch):
    """[{cookie, priority, match, actions, packets}] of one switch."""
    rows = []
    for line in ofctl('dump-flows', switch.name).splitlines():
        m = FLOW_LINE.search(line)
        if not m:
            continue
        c = COOKIE.search(line)
        rows.append({
            'cookie': int(c.group(1), 16) if c else 0,
            'priority': int(m.group(2)),
            'match': (m.group(3) or '').lstrip(','),
            'actions': m.group(4),
            'packets': int(m.group(1)),
        })
    return rows


def kind(flow):
    """'miss' (table-miss, to the controller), 'lldp' (topology's LLDP trap) or 'l2' (forwarding)."""
    if flow['priority'] == 0 and flow['actions'].startswith('CONTROLLER'):
        return 'miss'
    if LLDP_TYPE in flow['match']:
        return 'lldp'
    return 'l2'


def counters(net, wait=True):
    """Packets per flow kind summed over every switch, flow counts, and datapath rx packets."""
    if wait:
        time.sleep(STATS_LAG_S)
    c = {'miss': 0, 'lldp': 0, 'l2': 0, 'l2Flows': 0, 'rx': 0, 'l2Cookies': set()}
    for s in net.switches:
        for f in flow_table(s):
            k = kind(f)
            c[k] += f['packets']
            if k == 'l2':
                c['l2Flows'] += 1
                c['l2Cookies'].add('0x%x' % f['cookie'])
        c['rx'] += sum(int(n) for n in RX_PKTS.findall(ofctl('dump-ports', s.name)))
    c['l2Cookies'] = sorted(c['l2Cookies'])
    c['at'] = time.monotonic()
    return c


def delta(before, after):
    d = {k: after[k] - before[k] for k in ('miss', 'lldp', 'l2', 'rx')}
    d['seconds'] = round(after['at'] - before['at'], 2)
    return d


def pingall(net, wait_s=2):
    """Every host pings every other host once (ping -c1 -W wait_s), like Mininet's pingall."""
    started = time.monotonic()
    failed = []
    sent = 0
    for src in net.hosts:
        targets = [h for h in net.hosts if h is not src]
        # One shell loop per source keeps Mininet's per-command overhead out of the timing.
        script = '; '.join('ping -c1 -W%d %s >/dev/null 2>&1 && echo OK %s || echo FAIL %s' % (wait_s, h.IP(), h.name, h.name) for h in targets)
        out = src.cmd(script)
        sent += len(targets)
        ok = set(re.findall(r'^OK (\S+)', out, re.M))
        failed += [[src.name, h.name] for h in targets if h.name not in ok]
    lost = len(failed)
    return {
        'sent': sent,
        'lost': lost,
        'lossPct': round(100.0 * lost / sent, 1) if sent else 100.0,
        'failed': failed[:20],
        'ms': int((time.monotonic() - started) * 1000),
    }


def ping_once(src, dst, wait_s=1):
    return ' 1 received' in src.cmd('ping -c1 -W%d %s' % (wait_s, dst.IP()))


# ---------------------------------------------------------------- weft's REST API

def rest_get(args, path, timeout=3):
    """JSON (or text for /metrics) from weft's REST API given by --option rest=URL; None without it."""
    base = args.options.get('rest')
    if not base:
        return None
    with urllib.request.urlopen(base.rstrip('/') + path, timeout=timeout) as r:
        body = r.read().decode()
    return body if path == '/metrics' else json.loads(body)


def packet_ins(args):
    """weft's weft_packet_ins_total (every PACKET_IN it received, LLDP included), or None."""
    try:
        text = rest_get(args, '/metrics')
    except Exception:  # noqa: BLE001 - the REST API is optional for these scenarios
        return None
    if text is None:
        return None
    m = re.search(r'^weft_packet_ins_total(?:\{[^}]*\})? (\S+)$', text, re.M)
    return int(float(m.group(1))) if m else None


def switch_links(net):
    """Switch-to-switch links of the Mininet topology (each once)."""
    names = {s.name for s in net.switches}
    return [l for l in net.links if l.intf1.node.name in names and l.intf2.node.name in names]


def weft_links(args):
    try:
        return rest_get(args, '/api/v1/topology/links')
    except Exception:  # noqa: BLE001
        return None


def topology_stats(args):
    """The topology app's counters from GET /api/v1/apps (why links were refused), or None."""
    try:
        apps = rest_get(args, '/api/v1/apps')
        return next((a.get('stats') for a in apps if a.get('name') == 'topology'), None)
    except Exception:  # noqa: BLE001
        return None


def port_no(intf):
    return intf.node.ports[intf]


def attachment(host):
    """The switch interface a host is plugged into."""
    intf = host.defaultIntf()
    link = intf.link
    return link.intf2 if link.intf1 is intf else link.intf1


def expected_links(net):
    """Directed links {(dpidA, portA, dpidB, portB)} the Mininet topology has."""
    out = set()
    for l in switch_links(net):
        a, b = l.intf1, l.intf2
        out.add((a.node.dpid, port_no(a), b.node.dpid, port_no(b)))
        out.add((b.node.dpid, port_no(b), a.node.dpid, port_no(a)))
    return out


def missing_links(net, links):
    """Directed switch-to-switch links of the topology that weft does not report."""
    have = {(l['src']['dpid'], l['src']['port'], l['dst']['dpid'], l['dst']['port']) for l in links or []}
    return sorted(expected_links(net) - have)


def wait_discovery(net, args, result, started, timeout_s=30):
    """
    Wait until weft knows every link both ways (REST) and the topology app's settle time has
    passed since the switches connected (--option settle=S, default 8: linkless ports are
    flooded only once settled, docs/TOPOLOGY.md). Without REST, only the settle time.
    """
    want = 2 * len(switch_links(net))
    settle = float(args.options.get('settle', 8))
    deadline = time.monotonic() + timeout_s
    links = weft_links(args)
    while links is not None and len(links) != want and time.monotonic() < deadline:
        time.sleep(0.25)
        links = weft_links(args)
    found = time.monotonic()
    if links is not None:
        detail = {'want': want, 'got': len(links)}
        if len(links) != want:
            # What a flake needs to be diagnosed: which links, and the topology app's refusals.
            detail['missing'] = missing_links(net, links)
            detail['topologyStats'] = topology_stats(args)
        result.check('links discovered', len(links) == want, detail)
        result.note('discoveryS', round(found - started, 2))
    rest = started + settle - time.monotonic()
    if rest > 0:
        time.sleep(rest)
    return links


def dpid_names(net):
    return {s.dpid: s.name for s in net.switches}


# ethtool's SIOCETHTOOL ioctl, so that the scenarios need no ethtool binary.
_TX_OFF = (
    "import array,fcntl,socket,struct,sys;"
    "v=array.array('I',[0x17,0]);"  # ETHTOOL_STXCSUM, data 0
    "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"
    "fcntl.ioctl(s,0x8946,struct.pack('16sP',sys.argv[1].encode(),v.buffer_info()[0]));"  # SIOCETHTOOL
    "print('ok')"
)


def tx_checksum_off(host):
    """
    `ethtool -K IF tx off` on the host's interface. Linux hands veth frames over with the TCP
    checksum still to be filled in (and TSO super-frames); the userspace datapath forwards them
    as they are, so the receiver drops every TCP segment. Pings are unaffected (no offload).
    """
    out = host.cmd("/usr/bin/python3 -c \"%s\" %s" % (_TX_OFF, host.defaultIntf().name))
    return out.strip().endswith('ok')

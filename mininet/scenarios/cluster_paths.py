#!/usr/bin/python3
"""
Paths across a weft cluster (docs/CLUSTER.md): every switch lists every instance as a controller,
each instance masters some switches, and paths between hosts cross switches of several masters.
Options (all required but kill):

  controllers=H:P,H:P,...   the instances' OpenFlow addresses (set on every switch)
  rests=URL,URL,...         their REST APIs, same order
  pids=PID,PID,...          their process ids, same order (kill -9 of one of them)
  names=N,N,...             their instance names, same order
  kill=I                    index of the instance to kill (default 1; -1: no failover step)

Steps: every instance knows every link (measured: convergence of the shared topology) and every
host after pingall; pingall 0% twice, the second round served by installed flows; the first
ping's round trip with the pair's flows deleted (a flow setup both ways), for pairs whose two
switches have the same master and pairs whose switches have different masters; kill -9 of an
instance while a 50/s ping stream from a host on one of its switches runs (installed flows: no
reply may be lost), with new flows probed from another of its hosts until one is set up (the
failover window for new flows); pingall 0% once the survivors master every switch.
"""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.l2 import ofctl, pingall, switch_links  # noqa: E402
from weftnet.l2_steps import attachment, expected_links, quiet_ipv6, step_connect, step_pingall_rounds  # noqa: E402
from weftnet.runner import run  # noqa: E402


def get(url, path, timeout=3):
    with urllib.request.urlopen(url.rstrip('/') + path, timeout=timeout) as r:
        return json.loads(r.read().decode())


def try_get(url, path):
    try:
        return get(url, path)
    except Exception:  # noqa: BLE001 - an instance may be starting, busy or dead
        return None


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))], 1)


def first_ping_ms(src, dst, wait_s=2):
    m = re.search(r'time=([\d.]+) ms', src.cmd('ping -n -c1 -W%d %s' % (wait_s, dst.IP())))
    return float(m.group(1)) if m else None


def forget_pair(net, a, b):
    """Delete the flows towards both hosts on every switch: the next ping sets its path up again."""
    for s in net.switches:
        for h in (a, b):
            ofctl('del-flows', s.name, 'dl_dst=%s' % h.MAC())


def process_alive(pid):
    """False once the process is gone or a zombie (killed, not yet reaped by the test)."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(') ', 1)[1][0] != 'Z'
    except OSError:
        return False


def masters(rest, dpids=()):
    st = try_get(rest, '/api/v1/cluster')
    if st is not None and not st.get('cluster'):
        # A single instance (the comparison run, single=1): it masters everything.
        return {d: 'single' for d in dpids}
    return None if st is None else {s['dpid']: s['master'] for s in st['switches']}


def wait_links(rests, want, timeout_s):
    """Seconds until every instance reports every link (or None), per instance."""
    t0 = time.monotonic()
    at = {}
    while time.monotonic() - t0 < timeout_s and len(at) < len(rests):
        for r in rests:
            if r in at:
                continue
            links = try_get(r, '/api/v1/topology/links')
            if links is not None and {(l['src']['dpid'], l['src']['port'], l['dst']['dpid'], l['dst']['port']) for l in links} == want:
                at[r] = round(time.monotonic() - t0, 2)
        time.sleep(0.1)
    return at


def wait_hosts(rests, macs, timeout_s):
    t0 = time.monotonic()
    at = {}
    while time.monotonic() - t0 < timeout_s and len(at) < len(rests):
        for r in rests:
            hosts = try_get(r, '/api/v1/topology/hosts') if r not in at else None
            if hosts is not None and macs <= {h['mac'] for h in hosts}:
                at[r] = round(time.monotonic() - t0, 2)
        time.sleep(0.1)
    return at


def scenario(net, args, result):
    o = args.options
    controllers = o['controllers'].split(',')
    rests = o['rests'].split(',')
    pids = [int(p) for p in o['pids'].split(',')]
    names = o['names'].split(',')
    victim = int(o.get('kill', '1'))
    # single=1: one weft without a cluster, for comparison ("cross" is then any two switches).
    single = o.get('single') == '1'
    started = time.monotonic()
    quiet_ipv6(net)
    for s in net.switches:
        subprocess.run(['ovs-vsctl', 'set-controller', s.name] + ['tcp:%s' % c for c in controllers], check=True, capture_output=True, timeout=10)
    if not step_connect(net, args, result):
        return

    # Every switch has a master, and the instances agree on it.
    deadline = time.monotonic() + 20
    dpids = {s.dpid for s in net.switches}
    views = [masters(r, dpids) for r in rests]
    while time.monotonic() < deadline and not all(v and set(v) >= dpids and all(v[d] for d in dpids) and v == views[0] for v in views):
        time.sleep(0.2)
        views = [masters(r, dpids) for r in rests]
    m = views[0] or {}
    result.check('every switch has a master', all(m.get(d) for d in dpids) and all(v == views[0] for v in views), {'views': views})
    per = {n: sorted(d for d in dpids if m.get(d) == n) for n in names}
    result.note('mastered', {n: len(v) for n, v in per.items()})
    if not single:
        result.check('the switches are spread over the instances', all(len(v) > 0 for v in per.values()), per)

    # Shared topology: each instance learns the links into its own switches and merges the rest.
    want = expected_links(net)
    at = wait_links(rests, want, 30)
    result.note('linksConvergedS', {names[rests.index(r)]: s for r, s in at.items()})
    result.note('linksConvergedFromStartS', round(time.monotonic() - started, 2))
    result.check('every instance knows every link', len(at) == len(rests), {'converged': at, 'want': len(want)})
    settle = started + float(o.get('settle', 8)) - time.monotonic()
    if settle > 0:
        time.sleep(settle)

    step_pingall_rounds(net, args, result, 2)
    macs = {h.MAC() for h in net.hosts}
    hat = wait_hosts(rests, macs, 10)
    result.note('hostsConvergedAfterPingallS', {names[rests.index(r)]: s for r, s in hat.items()})
    result.check('every instance knows every host', len(hat) == len(rests), hat)

    # Flow setup: the first ping's round trip with the pair's flows gone.
    sw_of = {h.name: attachment(h).node.dpid for h in net.hosts}
    adjacent = {frozenset((l.intf1.node.dpid, l.intf2.node.dpid)) for l in switch_links(net)}
    local, cross = [], []
    for a in net.hosts:
        for b in net.hosts:
            if a is b:
                continue
            sa, sb = sw_of[a.name], sw_of[b.name]
            if m.get(sa) == m.get(sb) and frozenset((sa, sb)) in adjacent:
                local.append((a, b))
            elif m.get(sa) != m.get(sb) or (single and sa != sb):
                cross.append((a, b))
    samples = {'local': [], 'cross': [], 'installed': []}
    failed = {'local': 0, 'cross': 0}
    for kind, pairs in (('local', local[:8]), ('cross', cross[:: max(1, len(cross) // 16)][:16])):
        for a, b in pairs:
            forget_pair(net, a, b)
            ms = first_ping_ms(a, b)
            if ms is None:
                failed[kind] += 1
            else:
                samples[kind].append(ms)
            again = first_ping_ms(a, b)
            if again is not None:
                samples['installed'].append(again)
    setup = {k: {'n': len(v), 'p50': pct(v, 50), 'p99': pct(v, 99), 'max': pct(v, 100)} for k, v in samples.items()}
    setup['failed'] = failed
    result.note('flowSetupRttMs', setup)
    result.check('cross-instance paths are set up on the first ping', failed['cross'] == 0 and samples['cross'], setup)

    if victim < 0:
        return
    failover(net, result, o, rests, pids, names, victim, per, sw_of)


def failover(net, result, o, rests, pids, names, victim, per, sw_of):
    theirs = [h for h in net.hosts if sw_of[h.name] in per[names[victim]]]
    others = [h for h in net.hosts if sw_of[h.name] not in per[names[victim]]]
    if len(theirs) < 1 or len(others) < 2:
        result.fail('failover setup', {'victimHosts': [h.name for h in theirs]})
        return
    a, b = theirs[0], others[0]
    # The stream's flows exist (pingall); the probe's ingress flow is deleted before every try.
    first_ping_ms(a, b)
    c, d = (theirs[1], others[1]) if len(theirs) > 1 else (theirs[0], others[1])
    first_ping_ms(c, d)
    interval = 0.02
    stream = a.popen(['ping', '-n', '-q', '-i', str(interval), '-c', str(int(6 / interval)), '-W', '1', b.IP()])
    time.sleep(1)
    ingress = next(s for s in net.switches if s.dpid == sw_of[c.name])
    t0 = time.monotonic()
    result.note('killedAtMs', int(time.time() * 1000))
    os.kill(pids[victim], signal.SIGKILL)
    dead = None
    while time.monotonic() - t0 < 3:
        if not process_alive(pids[victim]):
            dead = round(time.monotonic() - t0, 3)
            break
        time.sleep(0.005)
    window = None
    tries = []
    while time.monotonic() - t0 < 15:
        ofctl('del-flows', ingress.name, 'dl_dst=%s' % d.MAC())
        at = round(time.monotonic() - t0, 2)
        ok = ' 1 received' in c.cmd('ping -n -c1 -W0.2 %s' % d.IP())
        tries.append(at)
        if ok:
            window = round(time.monotonic() - t0, 2)
            break
    out, _ = stream.communicate(timeout=20)
    text = out.decode() if isinstance(out, bytes) else out
    mm = re.search(r'(\d+) packets transmitted, (\d+) received', text)
    sent, got = (int(mm.group(1)), int(mm.group(2))) if mm else (None, None)
    survivors = [r for i, r in enumerate(rests) if i != victim]
    deadline = time.monotonic() + 15
    took = None
    while time.monotonic() < deadline:
        st = [try_get(r, '/api/v1/cluster') for r in survivors]
        if all(s and all(x['master'] and x['master'] != names[victim] for x in s['switches'] if x['dpid'] in {sw.dpid for sw in net.switches}) for s in st):
            took = round(time.monotonic() - t0, 2)
            break
        time.sleep(0.1)
    flows_after = [f for f in ofctl('dump-flows', ingress.name).splitlines() if d.MAC() in f]
    note = {'killed': names[victim], 'deadAfterS': dead, 'probeIngressFlows': flows_after[:4], 'stream': {'intervalMs': int(interval * 1000), 'sent': sent, 'received': got}, 'newFlowWindowS': window, 'probes': len(tries), 'firstProbeAtS': tries[0] if tries else None, 'survivorsMasterAllS': took}
    result.note('failover', note)
    result.check('failover: installed flows kept forwarding (no reply lost)', sent is not None and sent == got, note)
    result.check('failover: new flows set up again within 3 s', window is not None and window < 3, note)
    result.check('failover: the survivors master every switch', took is not None, note)
    # Hosts the dead instance had published are learned again by their switches' new masters
    # as they speak: pingall until clean (bounded), every attempt noted.
    attempts = []
    end = time.monotonic() + 15
    while True:
        r = pingall(net)
        attempts.append({'lost': r['lost'], 'ms': r['ms'], 'failed': r['failed'][:5]})
        if r['lost'] == 0 or time.monotonic() > end:
            break
    result.note('pingallAfterFailover', attempts)
    result.check('failover: pingall 0% loss', attempts[-1]['lost'] == 0, attempts)


if __name__ == '__main__':
    run('cluster_paths', scenario)

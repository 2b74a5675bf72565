#!/bin/sh
# Entry point of the `ovs` service (docker-compose.yml): start Open vSwitch, create br0 on the
# userspace datapath and connect it to weft, then run the command (default: sleep forever, so
# that `docker compose exec ovs ...` can run Mininet scenarios, ovs-ofctl, ovs-vsctl).
#
# BRIDGE: the bridge to create (br0).
# CONTROLLER_TARGET: where weft listens, tcp:HOST:PORT (HOST may be a name, e.g. the compose
# service `weft`; it is resolved here because an Open vSwitch target wants an address); a
# comma-separated list for a weft cluster (docker-compose.cluster.yml).
set -eu

CONTROLLER="${CONTROLLER_TARGET:-tcp:weft:6653}"
BRIDGE="${BRIDGE:-br0}"
# netdev: the userspace datapath. (weft's tests run this script against their private Open
# vSwitch with DATAPATH_TYPE=dummy and OVS_CTL=true: see test/deploy/ovs-entrypoint.test.ts.)
DATAPATH_TYPE="${DATAPATH_TYPE:-netdev}"
OVS_CTL="${OVS_CTL:-/usr/share/openvswitch/scripts/ovs-ctl}"

$OVS_CTL --no-monitor --system-id=random start

# One target, or several separated by commas (a weft cluster: every instance a controller).
targets=""
for c in $(echo "$CONTROLLER" | tr ',' ' '); do
  proto="${c%%:*}"
  rest="${c#*:}"
  host="${rest%:*}"
  port="${rest##*:}"
  addr="$(getent ahostsv4 "$host" | awk '{ print $1; exit }')"
  if [ -z "$addr" ]; then
    echo "ovs: cannot resolve controller host $host" >&2
    exit 1
  fi
  targets="$targets $proto:$addr:$port"
done

ovs-vsctl --may-exist add-br "$BRIDGE" -- set bridge "$BRIDGE" \
  datapath_type="$DATAPATH_TYPE" protocols=OpenFlow13 fail_mode=secure other-config:disable-in-band=true
# shellcheck disable=SC2086
ovs-vsctl set-controller "$BRIDGE" $targets
for uuid in $(ovs-vsctl --data=bare --no-headings get bridge "$BRIDGE" controller | tr -d '[],'); do
  ovs-vsctl set controller "$uuid" max_backoff=1000
done
echo "ovs: $BRIDGE ->$targets (weft at $CONTROLLER)"

exec "$@"

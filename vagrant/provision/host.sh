#!/usr/bin/env bash
# Makes this VM the topology's host NAME: what the namespace lab does inside the host's
# namespace (addresses come from Vagrant; routes, forwarding, BIRD, the node process and its
# workloads from bin/ocelot --host), against the cluster's etcd.
set -euo pipefail
profile=$1 name=$2 etcd=$3
exec /ocelot/bin/ocelot --host "$name" --profile "$profile" --datastore etcd --etcd-endpoints "$etcd"

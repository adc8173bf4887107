#!/usr/bin/env bash
# The cluster's etcd on the first VM (Debian etcd-server), listening on its fabric address.
set -euo pipefail
url=$1
cat >/etc/default/etcd <<CONF
ETCD_NAME=ocelot
ETCD_DATA_DIR=/var/lib/etcd/ocelot
ETCD_LISTEN_CLIENT_URLS=$url,http://127.0.0.1:2379
ETCD_ADVERTISE_CLIENT_URLS=$url
CONF
systemctl enable etcd
systemctl restart etcd

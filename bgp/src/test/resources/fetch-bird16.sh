#!/usr/bin/env bash
# Unpacks BIRD 1.6 (Debian's `bird`, what Calico ships) into DIR without installing it:
# it conflicts with bird2 as a package. Usage: fetch-bird16.sh DIR
set -euo pipefail
DIR=${1:?usage: fetch-bird16.sh DIR}
if [ -x "$DIR/usr/sbin/bird" ]; then exit 0; fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
if ! apt-get download bird >/dev/null 2>&1; then
  # A fresh machine may have no package lists yet.
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get download bird >/dev/null
fi
mkdir -p "$DIR"
dpkg -x bird_*.deb "$DIR"
"$DIR/usr/sbin/bird" --version 2>&1 | grep -q "BIRD version 1\." || { echo "unpacked bird is not 1.x" >&2; exit 1; }

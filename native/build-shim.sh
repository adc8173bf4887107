#!/usr/bin/env bash
# Builds the DPDK shim with gcc against Debian's libdpdk (pkg-config), then places it where
# both the tests (target/native) and the jar (target/classes) find it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/target}
mkdir -p "$out/native" "$out/classes/ocelot/dpdk/linux-x86_64"
if ! pkg-config --exists libdpdk; then
  echo "build-shim: libdpdk not found by pkg-config; install it with: apt-get install -y dpdk dpdk-dev libdpdk-dev pkg-config" >&2
  exit 1
fi
src="$here/src/main/c/ocelot_shim.c"
lib="$out/native/libocelot_dpdk.so"
if [ ! -f "$lib" ] || [ "$src" -nt "$lib" ] || [ "$here/src/main/c/ocelot_shim.h" -nt "$lib" ] || [ "$0" -nt "$lib" ]; then
  # rte_bus_vdev is a driver library, not in libdpdk.pc: named explicitly. --no-undefined
  # catches the next such gap at build time. -march=x86-64-v2: the shim only moves pointers; portable across the AVX2 and AVX-512 machines.
  gcc -O2 -g -Wall -Wextra -Werror -shared -fPIC -march=x86-64-v2 -I"$here/src/main/c" \
      -o "$lib.tmp" "$src" $(pkg-config --cflags --libs libdpdk) -lrte_bus_vdev -Wl,--no-undefined
  mv "$lib.tmp" "$lib"
  echo "build-shim: built $lib"
fi
cp -f "$lib" "$out/classes/ocelot/dpdk/linux-x86_64/libocelot_dpdk.so"

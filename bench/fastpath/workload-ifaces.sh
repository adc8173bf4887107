#!/usr/bin/env bash
# Per-packet cost of each way a workload can attach to the userspace dataplane, on this machine:
#   tap       a TAP from DPDK's net_tap, moved into the workload's namespace
#   afpacket  a veth pair, the host end read by DPDK's net_af_packet
#   virtio    virtio_user over the kernel's vhost-net (needs /dev/vhost-net)
# Two namespaces (10.200.0.1 and .2) joined through dpdk-testpmd io-forward (one forwarding
# lcore) by two interfaces of the kind; udp_flood.c sends 64-byte UDP frames from one namespace
# to the other for SECONDS (dropped in raw PREROUTING on arrival, so the receiver's socket costs
# nothing). Reported per kind: frames delivered, packets per CPU-second of the forwarding thread
# (its utime+stime from /proc) and of the sender (user+system, incl. its kernel transmit path).
# Takes the shared benchmark lock; prints the load average before and after each run.
#   bench/fastpath/workload-ifaces.sh [SECONDS] [KINDS...]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-5}
shift $(( $# > 0 ? 1 : 0 ))
KINDS=("${@:-tap afpacket virtio}")
id=$$
work=$(mktemp -d /tmp/ocelot-wl-bench.XXXXXX)
gcc -O2 -Wall -o "$work/udp_flood" bench/fastpath/udp_flood.c
PMD=$(ls -d /usr/lib/x86_64-linux-gnu/dpdk/pmds-* | sort | tail -1)
tp_pid=""
cleanup() {
  # testpmd first (it owns the TAPs and holds the af_packet sockets), then namespaces and veths
  if [ -n "$tp_pid" ]; then kill -INT -- -"$tp_pid" 2>/dev/null || true; sleep 1; kill -9 -- -"$tp_pid" 2>/dev/null || true; fi
  tp_pid=""
  for ns in wla$id wlb$id; do
    ip netns pids $ns 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del $ns 2>/dev/null || true
  done
  ip link del wha$id 2>/dev/null || true
  ip link del whb$id 2>/dev/null || true
}
trap 'cleanup; rm -rf "$work"' EXIT

ns_setup() { # NS IFACE ADDR
  ip netns exec "$1" ip link set "$2" name eth0
  ip netns exec "$1" ip addr add "$3/24" dev eth0
  ip netns exec "$1" ip link set eth0 up
  ip netns exec "$1" ip link set lo up
  ip netns exec "$1" ethtool -K eth0 tx off >/dev/null 2>&1 || true
}

thread_cpu() { # PID COMM: utime+stime seconds of the thread named COMM
  local tick; tick=$(getconf CLK_TCK)
  for t in /proc/"$1"/task/*; do
    if [ "$(cat "$t/comm")" = "$2" ]; then awk -v tick="$tick" '{print ($14 + $15) / tick}' "$t/stat"; return; fi
  done
  echo 0
}

run_kind() {
  local kind=$1 vdevs
  ip netns add wla$id
  ip netns add wlb$id
  case $kind in
    tap) vdevs="--vdev=net_tap0,iface=wta$id --vdev=net_tap1,iface=wtb$id" ;;
    afpacket)
      ip link add wha$id type veth peer name wna$id
      ip link add whb$id type veth peer name wnb$id
      ip link set wna$id netns wla$id
      ip link set wnb$id netns wlb$id
      ip link set wha$id up; ip link set whb$id up
      ns_setup wla$id wna$id 10.200.0.1
      ns_setup wlb$id wnb$id 10.200.0.2
      vdevs="--vdev=net_af_packet0,iface=wha$id --vdev=net_af_packet1,iface=whb$id" ;;
    virtio)
      if [ ! -c /dev/vhost-net ]; then
        echo "virtio: not measurable here: no /dev/vhost-net (kernel $(uname -r): vhost-net is not in /proc/misc, no modprobe or /lib/modules in this VM)"
        ip netns del wla$id; ip netns del wlb$id
        return
      fi
      vdevs="--vdev=virtio_user0,path=/dev/vhost-net,iface=wta$id --vdev=virtio_user1,path=/dev/vhost-net,iface=wtb$id" ;;
  esac
  # --stats-period keeps non-interactive testpmd forwarding until a signal (without it, it exits
  # at once when its stdin is not a terminal here, even fed by a pipe)
  setsid timeout $((SECONDS_RUN + 90)) dpdk-testpmd --no-huge -m 512 --no-pci -d "$PMD" \
      --file-prefix=ocelot-wl$id -l 0-1 $vdevs -- --total-num-mbufs=16384 --forward-mode=io --disable-link-check \
      --stats-period=1 < /dev/null > "$work/$kind.testpmd" 2>&1 &
  tp_pid=$!
  # testpmd forwards once it prints its first statistics (EAL and 16k mbufs without hugepages take seconds when loaded)
  for _ in $(seq 600); do grep -q "NIC statistics" "$work/$kind.testpmd" 2>/dev/null && break; sleep 0.1; done
  if [ "$kind" != afpacket ]; then
    ip link set wta$id netns wla$id
    ip link set wtb$id netns wlb$id
    ns_setup wla$id wta$id 10.200.0.1
    ns_setup wlb$id wtb$id 10.200.0.2
  fi
  ip netns exec wlb$id iptables -t raw -A PREROUTING -p udp --dport 9 -j DROP
  local ok=""
  for _ in $(seq 20); do  # testpmd starts forwarding a while after its ports appear (longer on a loaded machine)
    if ip netns exec wla$id ping -c 1 -W 1 10.200.0.2 > "$work/$kind.ping" 2>&1; then ok=1; break; fi
  done
  if [ -z "$ok" ]; then echo "$kind: no ping through testpmd"; tail -5 "$work/$kind.testpmd"; cleanup; return; fi
  local fwd_pid rx0 rx1 cpu0 cpu1 load0
  fwd_pid=$(pgrep -f "^dpdk-testpmd.*ocelot-wl$id" | head -1)
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  rx0=$(ip netns exec wlb$id cat /sys/class/net/eth0/statistics/rx_packets)
  cpu0=$(thread_cpu "$fwd_pid" rte-worker-1)
  local out; out=$(ip netns exec wla$id "$work/udp_flood" 10.200.0.2 9 "$SECONDS_RUN")
  rx1=$(ip netns exec wlb$id cat /sys/class/net/eth0/statistics/rx_packets)
  cpu1=$(thread_cpu "$fwd_pid" rte-worker-1)
  local sent scpu delivered fcpu
  sent=$(echo "$out" | awk '{print $2}'); scpu=$(echo "$out" | awk '{print $4}')
  delivered=$((rx1 - rx0)); fcpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {print b - a}')
  awk -v k="$kind" -v s="$sent" -v d="$delivered" -v sc="$scpu" -v fc="$fcpu" -v t="$SECONDS_RUN" -v l0="$load0" -v l1="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    printf "%-9s sent %d, delivered %d (%.1f%%) in %s s | forwarder %.0f pkt/CPU-s (%.2f CPU-s) | sender %.0f pkt/CPU-s (%.2f CPU-s) | load %s -> %s\n",
      k, s, d, 100 * d / (s > 0 ? s : 1), t, (fc > 0 ? d / fc : 0), fc, (sc > 0 ? s / sc : 0), sc, l0, l1 }'
  cleanup
}

for kind in ${KINDS[@]}; do
  exec 9>/tmp/ocelot-bench.lock; flock 9
  run_kind "$kind"
  flock -u 9
done

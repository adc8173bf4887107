#!/usr/bin/env python3
"""Prints "PORT ipackets opackets imissed oerrors" for each port asked, read from a running DPDK
process's telemetry socket (/ethdev/stats,N; the protocol of DPDK's usertools/dpdk-telemetry.py:
SOCK_SEQPACKET, a JSON greeting with max_output_len, then one JSON reply per command).
  ethstats.py FILE_PREFIX PORT...   (exit 1 if the socket is not there yet)"""
import json
import socket
import sys


def main():
    path = "/var/run/dpdk/%s/dpdk_telemetry.v2" % sys.argv[1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect(path)
    except OSError:
        return 1
    greeting = json.loads(s.recv(1024).decode())
    size = greeting["max_output_len"]
    for port in sys.argv[2:]:
        s.send(("/ethdev/stats,%s" % port).encode())
        st = json.loads(s.recv(size).decode())["/ethdev/stats"]
        print(port, st["ipackets"], st["opackets"], st["imissed"], st["oerrors"])
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

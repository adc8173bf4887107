#!/usr/bin/env python3
"""bench/run's report: reads each step's log (RAW/<step>.log, RAW/steps.tsv), writes the markdown
report (every figure with its reference, the ratio, the load average and the command that
reproduces it) and draws the plots with gnuplot:
  throughput-vs-frame-size.png  pktgen through the fastpath, offered and delivered Mpps per size
  throughput-vs-rules.png       classification Mcls/s against rule count, Ocelot and rte_acl
  lookups-vs-routes.png         LPM lookups/s against route count, Ocelot and DPDK's tables
  latency-cdf.png               pktgen's latency CDFs (fastpath, testpmd io-forward)
A plot whose data no step produced is still drawn, saying so, so a missing figure shows."""
import argparse
import math
import os
import re
import subprocess
from datetime import datetime, timezone

UNDER_LOAD = 1.5


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


class Step:
    def __init__(self, fields):
        self.name, status, seconds, self.load0, self.load1, self.command, started = fields[:7]
        self.status, self.seconds = int(status), int(seconds)
        self.started = datetime.fromtimestamp(int(started), timezone.utc).strftime("%H:%M")
        self.log = ""

    def load(self):
        a, b = self.load0.split()[0], self.load1.split()[0]
        return f"{a} → {b}"

    def under_load(self):
        return max(float(self.load0.split()[0]), float(self.load1.split()[0])) > UNDER_LOAD


class Report:
    def __init__(self):
        self.rows = []          # (step, figure, ocelot, reference, reference value, ratio)
        self.key_lines = {}     # step -> lines worth keeping verbatim
        self.frame_sizes = []   # (size, offered, delivered)
        self.rules = []         # (set, rules, ocelot Mcls/s, rte_acl Mcls/s)
        self.routes = {}        # table -> [(routes, Mlookups/s)]

    def row(self, step, figure, ocelot, reference, ref_value, ratio):
        self.rows.append((step, figure, ocelot, reference, ref_value, ratio))

    def keep(self, step, lines):
        self.key_lines.setdefault(step.name, []).extend(lines)


def parse_lpm(step, rep):
    for m in re.finditer(r"^\|\s*(\d+)\s*\|\s*(\w+)\s*\|\s*(\d+)\s*\|", step.log, re.M):
        rep.routes.setdefault(m.group(2), []).append((int(m.group(1)), int(m.group(3)) / 1e6))
    for m in re.finditer(r"^(\d+) (?:IPv6 )?routes: lookups Ocelot/(\S+) ([\d.]+)x.*$", step.log, re.M):
        routes, ref = int(m.group(1)), m.group(2)
        family = "IPv6" if ref.endswith("6") else "IPv4"
        mine = dict(rep.routes.get("ocelot6" if family == "IPv6" else "ocelot", []))
        theirs = dict(rep.routes.get(ref, []))
        rep.row(step, f"{family} lookups/CPU-s, {routes:,} routes (median of per-round ratios)",
                fmt(mine.get(routes), "M"), ref, fmt(theirs.get(routes), "M"), m.group(3) + "x")
        if family == "IPv4" and "rte_fib" in rep.routes and ref != "rte_fib":
            fib = dict(rep.routes["rte_fib"]).get(routes)
            if fib and mine.get(routes):
                rep.row(step, f"IPv4 lookups/CPU-s, {routes:,} routes (medians)", fmt(mine.get(routes), "M"), "rte_fib", fmt(fib, "M"),
                        f"{mine[routes] / fib:.2f}x")
    rep.keep(step, [l for l in step.log.splitlines() if l.startswith("|") or "routes: lookups" in l])


def parse_acl(step, rep):
    for m in re.finditer(r"^\| (\w+?)_(\d+) \| (\S+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)x \|(.*)$", step.log, re.M):
        name, rules, alg, ref, mine, ratio = m.group(1), int(m.group(2)), m.group(3), float(m.group(4)), float(m.group(5)), m.group(6)
        rep.rules.append((name, rules, mine, ref))
        rep.row(step, f"classification Mcls/CPU-s, ClassBench {name}_{rules}", f"{mine:.2f}", f"rte_acl {alg}", f"{ref:.2f}", ratio + "x")
    rep.keep(step, [l for l in step.log.splitlines() if l.startswith("|") or l.startswith("CPU")])


def kv(log, key):
    m = re.search(r"^" + re.escape(key) + r" ([\d.]+)", log, re.M)
    return m.group(1) if m else None


def parse_fastpath(step, rep):
    log = step.log
    pairs = [("full pipeline Mpps/CPU-s, net_pcap → net_null", "ocelot-pipeline-mpps", "dpdk-testpmd io", "testpmd-io-forward-mpps",
              "ocelot-pipeline-vs-testpmd-io-ratio"),
             ("full pipeline Mpps/CPU-s, net_ring (feeder-bound reference: ratio is an upper bound)", "ring-pipeline-mpps",
              "testpmd io engine (C)", "ring-io-forward-c-mpps", "ring-pipeline-vs-io-forward-ratio"),
             ("routing alone Mpps/CPU-s (conntrack, checks, rewrite)", "ocelot-routing-mpps", "l3fwd --lookup=lpm", "l3fwd-lpm-mpps",
              "ocelot-routing-vs-l3fwd-lpm-ratio"),
             ("policy + conntrack + routing Mpps/CPU-s", "ocelot-full-mpps", "l3fwd --lookup=acl", "l3fwd-acl-mpps",
              "ocelot-full-vs-l3fwd-acl-ratio")]
    for figure, mine, ref, theirs, ratio in pairs:
        if kv(log, mine) or kv(log, ratio):
            r = kv(log, ratio)
            rep.row(step, figure, kv(log, mine) or "?", ref, kv(log, theirs) or "?", (r + "x") if r else "?")
    rep.keep(step, [l for l in log.splitlines() if re.match(r"^(machine|==|ocelot-|testpmd-|ring-|l3fwd-|round |load )", l)])


def parse_newflow(step, rep):
    # flows.sh's table: | flows (capacity) | full / l3fwd-acl Mpps | ratio | routing / l3fwd-lpm Mpps | ratio | created | load |
    lines = [l for l in step.log.splitlines() if l.startswith(("|", "==", "check", "load"))]
    for l in lines:
        cells = [c.strip().strip("*") for c in l.strip().strip("|").split("|")]
        if len(cells) < 5 or not re.match(r"^\d", cells[0]):
            continue
        for mpps, ratio, what, ref in ((cells[1], cells[2], "policy + conntrack + routing", "l3fwd --lookup=acl"),
                                        (cells[3], cells[4], "routing alone", "l3fwd --lookup=lpm")):
            pair = [x.strip() for x in mpps.split(" / ")]
            created = f"; {cells[5]} of packets created a flow" if len(cells) > 5 else ""
            rep.row(step, f"{what} Mpps/CPU-s, {cells[0]} flows (conntrack capacity){created}", pair[0], ref,
                    pair[1] if len(pair) > 1 else "?", ratio.replace("×", "x").replace("*", ""))
    rep.keep(step, lines)


def parse_pktgen(step, rep):
    log = step.log
    m = re.search(r"^step tx: .*testpmd-txonly ([\d.]+), pktgen ([\d.]+) \(ratio ([\d.]+)\);.*testpmd-txonly ([\d.]+), pktgen ([\d.]+) \(ratio ([\d.]+)\)", log, re.M)
    if m:
        rep.row(step, "pktgen transmit, Mpps at one testpmd rxonly sink (wall)", m.group(2), "testpmd txonly", m.group(1), m.group(3) + "x")
        rep.row(step, "pktgen transmit, Mpps per sender CPU-second", m.group(5), "testpmd txonly", m.group(4), m.group(6) + "x")
    m = re.search(r"^step rx: .*testpmd-rxonly ([\d.]+), pktgen ([\d.]+) \(ratio ([\d.]+)\);.*testpmd-rxonly ([\d.]+), pktgen ([\d.]+) \(ratio ([\d.]+)\)", log, re.M)
    if m:
        rep.row(step, "pktgen receive, Mpps from one testpmd txonly source (wall)", m.group(2), "testpmd rxonly", m.group(1), m.group(3) + "x")
        rep.row(step, "pktgen receive, Mpps per receiver CPU-second", m.group(5), "testpmd rxonly", m.group(4), m.group(6) + "x")
    io = re.search(r"^step io: .*delivered ([\d.]+) Mpps.*latency p50/p99/p99.9 ([\d.na/]+) us", log, re.M)
    sizes = re.findall(r"^step fastpath: size (\d+): offered ([\d.]+) Mpps, delivered ([\d.]+) Mpps, loss ([\d.na]+), latency p50/p99 ([\d.na/]+) us", log, re.M)
    for size, offered, delivered, loss, lat in sizes:
        rep.frame_sizes.append((int(size), float(offered), float(delivered)))
        if io and size == sizes[0][0]:
            rep.row(step, f"through the fastpath, {size}-byte frames, delivered Mpps (wall, memif)", delivered,
                    "testpmd io-forward, same memif ports", io.group(1), ratio_of(delivered, io.group(1)))
        rep.row(step, f"through the fastpath, {size}-byte frames: loss {loss}, latency p50/p99 {lat} µs (saturated)", delivered, "", "", "")
    lat = re.search(r"^step fastpath-latency: size (\d+) at ([\d.]+) Mpps.*latency p50/p90/p99/p99.9 ([\d.na/]+) us", log, re.M)
    if lat:
        rep.row(step, f"fastpath latency p50/p90/p99/p99.9 µs at {lat.group(2)} Mpps (half its rate), {lat.group(1)} bytes", lat.group(3),
                "testpmd io-forward at line rate p50/p99/p99.9", io.group(2) if io else "", "")
    s = re.search(r"^pktgen-search size=(\d+) loss_tolerance=(\S+) zero_loss_mpps=([\d.]+)", log, re.M)
    if s:
        rep.row(step, f"RFC 2544 search through the fastpath, {s.group(1)} bytes, loss ≤ {s.group(2)}", s.group(3) + " Mpps", "", "", "")
    rep.keep(step, [l for l in log.splitlines() if l.startswith(("machine", "step ", "pktgen-search", "dut-counters", "load"))])


def parse_bgp(step, rep):
    for m in re.finditer(r"^(\S[^\n]*?)\s+median ocelot ([\d.]+) s, (\S+) ([\d.]+) s, ratio ocelot/\S+ = ([\d.]+)x.*?peak RSS ocelot ([\d,]+) KiB, \S+ ([\d,]+) KiB, ratio ([\d.]+)x", step.log, re.M):
        what, other = m.group(1).strip(), m.group(3)
        rep.row(step, f"BGP {what}: wall s", m.group(2), other, m.group(4), m.group(5) + "x")
        rep.row(step, f"BGP {what}: peak RSS KiB", m.group(6), other, m.group(7), m.group(8) + "x")
    for m in re.finditer(r"^(\S[^\n]*?)\s+median device CPU ocelot ([\d.]+) s, (\S+) ([\d.]+) s, ratio ([\d.]+)x", step.log, re.M):
        rep.row(step, f"BGP {m.group(1).strip()}: device CPU s", m.group(2), m.group(3), m.group(4), m.group(5) + "x")
    rep.keep(step, [l for l in step.log.splitlines() if "median" in l or l.startswith(("machine", "BGP", "load"))])


def parse_policy(step, rep):
    keep = [l for l in step.log.splitlines() if re.match(r"^(endpoints=|cold|shared|  best|\S.*p50 .*p99)", l)]
    for l in keep:
        p = re.match(r"^(.+?)\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms", l)
        if p:
            rep.row(step, f"policy calculation, {p.group(1).strip()}: p50 / p99 ms", f"{p.group(2)} / {p.group(3)}", "target p99", "5 ms",
                    ratio_of(p.group(3), "5"))
    sh = re.search(r"^shared classifiers cold.*?median of \d+ ([\d.]+) ms \(cpu ([\d.]+) ms", step.log, re.M)
    if sh:
        rep.row(step, "policy cold build, graph + every endpoint's classifiers (shared), median ms wall / CPU", f"{sh.group(1)} / {sh.group(2)}",
                "target", "1000 ms", ratio_of(sh.group(1), "1000"))
    c = re.search(r"warm median ([\d.]+) ms \(cpu ([\d.]+) ms\)", step.log)
    if c:
        rep.row(step, "policy calculation cold build (graph), warm median ms", c.group(1), "target", "1000 ms", ratio_of(c.group(1), "1000"))
    rep.keep(step, keep)


def parse_datastore(step, rep):
    m = re.search(r"RATIO embedded/etcd: durable commits ([\d.]+)x, IPAM assignments ([\d.]+)x", step.log)
    if m:
        rep.row(step, "durable datastore commits/s", "embedded", "etcd, same disk", "", m.group(1) + "x")
        rep.row(step, "IPAM assignments/s", "embedded", "etcd, same disk", "", m.group(2) + "x")
    rep.keep(step, [l for l in step.log.splitlines() if l.startswith(("round", "RATIO"))])


def parse_node(step, rep):
    keep = [l for l in step.log.splitlines() if re.search(r"p50 .* p99 ", l) or l.startswith(("endpoints", "cold start", "per publish"))]
    for l in keep:
        p = re.match(r"^(.+?)\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+) ms", l)
        if p:
            rep.row(step, f"datastore change → enforcement, {' '.join(p.group(1).split())}: p50 / p99 ms", f"{p.group(2)} / {p.group(3)}",
                    "target p99", "100 ms", ratio_of(p.group(3), "100"))
    rep.keep(step, keep)


def parse_build(step, rep):
    rep.keep(step, step.log.splitlines()[-5:] if step.status else [])


PARSERS = {"build": parse_build, "lpm": parse_lpm, "lpm-1m": parse_lpm, "acl": parse_acl, "fastpath": parse_fastpath,
           "fastpath-newflow": parse_newflow, "pktgen": parse_pktgen, "bgp": parse_bgp, "policy": parse_policy,
           "datastore": parse_datastore, "node": parse_node}


def fmt(v, unit=""):
    return "?" if v is None else (f"{v:.2f}" if unit == "M" else str(v))


def ratio_of(a, b):
    a, b = num(a), num(b)
    return f"{a / b:.3f}x" if a is not None and b else "?"


def gnuplot(script, plots):
    subprocess.run(["gnuplot"], input=script, text=True, cwd=plots, check=True)


def plots(rep, plots_dir, raw, title):
    head = f'set terminal pngcairo noenhanced size 900,560 font ",10"\nset grid\nset key left top\n'
    empty = 'unset logscale\nset label 1 "no data in this run" at graph 0.5, graph 0.5 center\nplot [0:1][0:1] 1/0 notitle\n'

    def xrange(xs):  # a log axis needs a positive, non-empty range even for one point
        lo, hi = min(xs), max(xs)
        return f"set xrange [{lo / 2}:{hi * 2}]\n" if lo == hi else f"set xrange [{lo * 0.8}:{hi * 1.25}]\n"

    with open(os.path.join(plots_dir, "frame-size.dat"), "w") as f:
        for size, offered, delivered in sorted(rep.frame_sizes):
            f.write(f"{size} {offered} {delivered}\n")
    s = head + f'set output "throughput-vs-frame-size.png"\nset title "pktgen through the Ocelot fastpath (memif), {title}"\n'
    s += 'set xlabel "frame size (bytes)"\nset ylabel "Mpps"\n'
    s += ('plot "frame-size.dat" using 1:2 with linespoints title "offered", "" using 1:3 with linespoints title "delivered"\n'
          if rep.frame_sizes else empty)
    gnuplot(s, plots_dir)

    by_rules = {}
    for _, rules, mine, ref in rep.rules:
        by_rules.setdefault(rules, []).append((mine, ref))
    with open(os.path.join(plots_dir, "rules.dat"), "w") as f:
        for rules in sorted(by_rules):
            vals = by_rules[rules]
            g = lambda xs: math.exp(sum(math.log(max(x, 1e-9)) for x in xs) / len(xs))
            f.write(f"{rules} {g([v[0] for v in vals])} {g([v[1] for v in vals])}\n")
    s = head + f'set output "throughput-vs-rules.png"\nset title "classification, ClassBench sets (geometric mean over sets), {title}"\n'
    s += 'set logscale x\nset xlabel "rules"\nset ylabel "million classifications per CPU-second"\n'
    s += (xrange(list(by_rules)) + 'plot "rules.dat" using 1:2 with linespoints title "Ocelot", "" using 1:3 with linespoints title "rte_acl"\n'
          if by_rules else empty)
    gnuplot(s, plots_dir)

    series = []
    for table, points in sorted(rep.routes.items()):
        fn = f"routes-{table}.dat"
        with open(os.path.join(plots_dir, fn), "w") as f:
            for routes, rate in sorted(set(points)):
                f.write(f"{routes} {rate}\n")
        series.append(f'"{fn}" using 1:2 with linespoints title "{table}"')
    s = head + f'set output "lookups-vs-routes.png"\nset title "LPM lookups against route count, {title}"\n'
    s += 'set logscale x\nset xlabel "routes"\nset ylabel "million lookups per CPU-second"\n'
    s += (xrange([r for pts in rep.routes.values() for r, _ in pts]) + "plot " + ", ".join(series) + "\n") if series else empty
    gnuplot(s, plots_dir)

    cdfs = []
    for name, label in (("latency-fastpath.cdf", "Ocelot fastpath (half its rate)"), ("latency-testpmd-io.cdf", "testpmd io-forward (line rate)")):
        src = os.path.join(raw, name)
        if os.path.exists(src) and os.path.getsize(src) > 0:
            with open(src) as a, open(os.path.join(plots_dir, name), "w") as b:
                b.write(a.read())
            cdfs.append(f'"{name}" using 1:2 with lines title "{label}"')
    s = head + f'set output "latency-cdf.png"\nset title "pktgen latency CDF, {title}"\nset key right bottom\n'
    s += 'set logscale x\nset xlabel "latency (µs)"\nset ylabel "fraction of packets"\nset yrange [0:1]\n'
    s += ("plot " + ", ".join(cdfs) + "\n") if cdfs else empty
    gnuplot(s, plots_dir)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--plots", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--cpu", required=True)
    ap.add_argument("--elapsed", required=True)
    a = ap.parse_args()
    steps = []
    for line in read(os.path.join(a.raw, "steps.tsv")).splitlines():
        st = Step(line.split("\t"))
        st.log = read(os.path.join(a.raw, st.name + ".log"))
        steps.append(st)
    rep = Report()
    for st in steps:
        try:
            PARSERS.get(st.name, parse_build)(st, rep)
        except Exception as e:  # a script whose output changed must not hide the other steps' figures
            rep.keep(st, [f"(bench/report.py could not read this step's output: {e!r})"])
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    title = f"{date}, {a.cpu}"
    plots(rep, a.plots, a.raw, title)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    rel = os.path.relpath(a.plots, os.path.dirname(a.report))
    by_name = {st.name: st for st in steps}
    out = [f"# Benchmarks {date}, {a.cpu}", ""]
    if a.profile == "quick":
        out += ["**Quick profile** (`bench/run --quick`): it proves every reference builds and runs and that this report "
                "and its plots are produced. Its sizes are tiny: **no figure here is a result.**", ""]
    loads = [float(st.load0.split()[0]) for st in steps] + [float(st.load1.split()[0]) for st in steps]
    out += [f"`bench/run{' --quick' if a.profile == 'quick' else ''}` at {commit}: {len(steps)} steps in {int(a.elapsed) // 60} min "
            f"{int(a.elapsed) % 60} s; {os.cpu_count()} CPUs; 1-minute load average {min(loads, default=0):.2f} – {max(loads, default=0):.2f} "
            f"over the run (a figure whose step ran at load > {UNDER_LOAD} is marked *under load*: not a result for a target). "
            "Ratios are Ocelot / reference, both measured in the same step; each row names the command that reproduces it "
            "(run from the repository root, under `flock /tmp/ocelot-bench.lock`).", ""]
    out += [f"![throughput vs frame size]({rel}/throughput-vs-frame-size.png) ![throughput vs rules]({rel}/throughput-vs-rules.png)",
            f"![lookups vs routes]({rel}/lookups-vs-routes.png) ![latency CDF]({rel}/latency-cdf.png)", ""]
    out += ["| step | figure | Ocelot | reference | reference value | ratio | load (1 min, start → end) | command |", "|---|---|---|---|---|---|---|---|"]
    for step, figure, mine, ref, ref_value, ratio in rep.rows:
        load = step.load() + (" *under load*" if step.under_load() else "")
        out.append(f"| {step.name} | {figure} | {mine} | {ref} | {ref_value} | {ratio} | {load} | `{step.command}` |")
    out += ["", "## Steps", ""]
    for st in steps:
        state = "ok" if st.status == 0 else f"**FAILED** (exit {st.status})"
        out += [f"### {st.name}: {state}, {st.seconds} s from {st.started} UTC, load {st.load0} → {st.load1}", "", f"    {st.command}", ""]
        lines = rep.key_lines.get(st.name) or (st.log.splitlines()[-8:] if st.status else [])
        if lines:
            out += ["```"] + lines[:80] + ["```", ""]
    with open(a.report, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

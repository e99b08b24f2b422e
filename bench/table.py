"""Side-by-side table of a bench/run.sh results file (JSON lines from cmd/sqsbench -format json),
then, for the runs that measured the server's CPU (-server-pid), one row per run with it.

    python3 bench/table.py bench/results/latest.jsonl
"""

import json
import sys

ORDER = ["send", "send-batch", "receive", "receive-batch", "delete", "delete-batch"]


def main(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]
    targets = []
    for r in runs:
        if r["label"] not in targets:
            targets.append(r["label"])
    load = {(r["label"], r["op"], r["concurrency"]): r for r in runs if r["op"] != "longpoll"}
    ops = sorted({k[1] for k in load}, key=lambda o: ORDER.index(o) if o in ORDER else 99)
    clients = sorted({k[2] for k in load})
    print("| op | clients | " + " | ".join(targets) + " |")
    print("|---|---:|" + "---:|" * len(targets))
    for op in ops:
        for c in clients:
            cells = []
            for t in targets:
                r = load.get((t, op, c))
                if r is None:
                    cells.append("")
                elif r["ops"] == 0:
                    cells.append(f"all {r['errors']} failed")
                else:
                    o = r["overall"]
                    err = f", {r['errors']} err" if r["errors"] else ""
                    cells.append(f"{r['ops_per_s']:.0f} ({o['p50_ms']:.1f}/{o['p99_ms']:.1f}{err})")
            print(f"| {op} | {c} | " + " | ".join(cells) + " |")
    lp = [r for r in runs if r["op"] == "longpoll"]
    if lp:
        print()
        print("| long-poll wake-up, send -> receive | " + " | ".join(r["label"] for r in lp) + " |")
        print("|---|" + "---:|" * len(lp))
        print("| p50 / p99 ms (rounds) | " + " | ".join(
            f"{r['overall']['p50_ms']:.2f} / {r['overall']['p99_ms']:.2f} ({r['overall']['count']})" for r in lp) + " |")

    cpu_table(runs)


def cpu_table(runs):
    """One row per run that read the server's CPU: server CPU time over the requests it answered."""
    rows = [r for r in runs if r.get("server")]
    if not rows:
        return
    print()
    print("| target | op | clients | requests answered | req/s | p50 / p90 / p99 ms | server CPU s | "
          "server CPU µs/request | idle before / after, % of a core | µs/request less the idle rate |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        o, s = r["overall"], r["server"]
        print(f"| {r['label']} | {r['op']} | {r['concurrency']} | {r['answered']} | {r['requests_per_s']:.0f} | "
              f"{o['p50_ms']:.2f} / {o['p90_ms']:.2f} / {o['p99_ms']:.2f} | {s['cpu_s']:.2f} | "
              f"{s['cpu_us_per_request']:.0f} | {s['idle_cpu_pct']:.1f} / {s.get('idle_after_cpu_pct', 0):.1f} | "
              f"{net_us(r):.0f}{' (busy)' if busy(s) else ''} |")


def net_us(r):
    """Server CPU per request less what the server was burning without our load (other clients of
    a shared peer, background threads), assumed to go on during the run at the mean rate of the
    windows before and after it."""
    s = r["server"]
    idle_s = (s["idle_cpu_pct"] + s.get("idle_after_cpu_pct", 0)) / 200 * r["elapsed_s"]
    return max(0.0, s["cpu_s"] - idle_s) * 1e6 / r["answered"] if r["answered"] else 0.0


def busy(s):
    """A server that used over 5% of a core without our load was serving someone else too: its
    figures are an upper bound, and the subtraction a guess."""
    return max(s["idle_cpu_pct"], s.get("idle_after_cpu_pct", 0)) > 5


if __name__ == "__main__":
    main(sys.argv[1])

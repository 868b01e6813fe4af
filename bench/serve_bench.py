#!/usr/bin/env python3
"""izdeu-serve load benchmark (issue 20): requests per second and latency at 1, 8 and 64
connections with wrk on the loopback, against the same queries run by `izdeu-query --batch`.

    /work/cpu python3 bench/serve_bench.py --db ~/.cache/izdeu-bench/serve/db \\
        --queries ~/.cache/izdeu-bench/queries.tsv --bin-dir build/release [--seconds 15]

The queries are the benchmark's queries.tsv (kind<TAB>query). Every run is bounded in time
(wrk -d), talks only to 127.0.0.1, and stops the server with SIGTERM at the end. Two modes:
the default answer (ranking, snippets, facets) and facets=0 (ranking and snippets, which is what
`izdeu-query --batch` computes). Results go to bench/results/serve.json and a Markdown table on
stdout. Python standard library only.
"""
import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def log(*a):
    print("[serve-bench %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def start_server(bin_dir, db, threads):
    proc = subprocess.Popen([os.path.join(bin_dir, "server", "izdeu-serve"), "--db", db, "--listen", "127.0.0.1:0",
                             "--threads", str(threads)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    line = proc.stderr.readline()
    m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        line += proc.stderr.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        raise SystemExit("izdeu-serve did not start: " + line)
    # The per-request log goes to a file, so that the pipe never fills and blocks the server.
    sink = open(os.devnull, "w")
    import threading
    threading.Thread(target=lambda: [sink.write(l) for l in proc.stderr], daemon=True).start()
    return proc, int(m.group(1))


def wrk(port, paths, connections, seconds, lua_dir):
    script = os.path.join(lua_dir, "paths.lua")
    with open(script, "w") as f:
        f.write("local paths = {\n")
        for p in paths:
            f.write("  %s,\n" % json.dumps(p))
        f.write("}\n")
        # Each wrk thread starts at a different place in the list.
        f.write("local i = 0\n"
                "function init(args) i = math.random(#paths) end\n"
                "function request()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
    threads = min(connections, 2)
    r = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds, "--latency", "-s", script,
                        "--timeout", "10s", "http://127.0.0.1:%d" % port], capture_output=True, text=True,
                       timeout=seconds + 60)
    out = r.stdout
    def ms(text):
        value, unit = re.match(r"([0-9.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    result = {"connections": connections, "seconds": seconds,
              "rps": float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "90", "99"):
        result["p" + pct + "_ms"] = ms(re.search(r"\s%s%%\s+(\S+)" % pct, out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non_2xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", out)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    return result


def batch(bin_dir, db, queries, lua_dir):
    path = os.path.join(lua_dir, "batch.tsv")
    with open(path, "w", encoding="utf-8") as f:
        for i, q in enumerate(queries):
            f.write("q%04d\t%s\n" % (i, q))
    t0 = time.perf_counter()
    r = subprocess.run([os.path.join(bin_dir, "query", "izdeu-query"), "--db", db, "--batch", path, "--format", "json",
                        "--limit", "10", "--timings"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    m = re.search(r"timings queries=(\d+) mean_ms=([0-9.]+) p50_ms=([0-9.]+) p95_ms=([0-9.]+) p99_ms=([0-9.]+)",
                  r.stderr)
    return {"queries": len(queries), "wall_s": wall, "qps_one_process": len(queries) / wall,
            "mean_ms": float(m.group(2)), "p50_ms": float(m.group(3)), "p99_ms": float(m.group(5))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--queries", required=True, help="queries.tsv: kind<TAB>query")
    parser.add_argument("--bin-dir", default=os.path.join(os.path.dirname(HERE), "build", "release"))
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=8, help="izdeu-serve --threads")
    parser.add_argument("--connections", default="1,8,64")
    parser.add_argument("--results", default=os.path.join(HERE, "results", "serve.json"))
    args = parser.parse_args()
    with open(args.queries, encoding="utf-8") as f:
        queries = [line.rstrip("\n").split("\t", 1)[1] for line in f if "\t" in line]
    work = tempfile.mkdtemp(prefix="izdeu-serve-bench-")
    log("izdeu-query --batch over %d queries" % len(queries))
    result = {"db": args.db, "queries": len(queries), "batch": batch(args.bin_dir, args.db, queries, work)}
    proc, port = start_server(args.bin_dir, args.db, args.threads)
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/api/health" % port) as r:
            result["articles"] = json.load(r)["articles"]
        result["runs"] = []
        for mode, extra in (("snippets", "&facets=0"), ("snippets+facets", "")):
            paths = ["/api/search?q=" + urllib.parse.quote(q) + "&limit=10" + extra for q in queries]
            # Warm the page cache and every Searcher once before measuring.
            wrk(port, paths, 8, 5, work)
            for c in [int(x) for x in args.connections.split(",")]:
                log("wrk %s, %d connections, %d s" % (mode, c, args.seconds))
                run = wrk(port, paths, c, args.seconds, work)
                run["mode"] = mode
                result["runs"].append(run)
                log(json.dumps(run))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    result["when"] = time.strftime("%Y-%m-%d %H:%M")
    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    with open(args.results, "w") as f:
        json.dump(result, f, indent=2)
    b = result["batch"]
    print("| mode | connections | requests/s | p50 | p90 | p99 | non-2xx |")
    print("|---|---|---|---|---|---|---|")
    for r in result["runs"]:
        print("| %s | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %d |" % (r["mode"], r["connections"], r["rps"],
              r["p50_ms"], r["p90_ms"], r["p99_ms"], r["non_2xx"]))
    print("\n`izdeu-query --batch` (one process, snippets, JSON): %.0f queries/s, mean %.2f ms, p50 %.2f ms, "
          "p99 %.2f ms over %d queries; %d articles." % (b["qps_one_process"], b["mean_ms"], b["p50_ms"], b["p99_ms"],
                                                         b["queries"], result.get("articles", 0)))


if __name__ == "__main__":
    main()

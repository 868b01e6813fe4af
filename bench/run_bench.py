#!/usr/bin/env python3
"""izdeu benchmark harness (issue 9): izdeu and its peers, side by side, on the benchmark corpus.

    python3 bench/run_bench.py --phase all --write-md          # everything, then BENCHMARKS.md

Phases (each can run alone; results are merged into --results, a JSON file):
  snapshot  copy build/release's izdeu-index and izdeu-query into WORK/bin (later phases use
            them): run it under the lock right after `scripts/build release`
  setup     build the peer programs (../shared/bench) into --peers and izdeu-analyzer-bench into
            build/bench; takes /tmp/izdeu-build.lock itself, so run it WITHOUT an outer flock
  index     izdeu full build of a hard-linked copy of corpus/txt into a new database, as a new user
            types it (no --rebuild: a first build takes the same path since issue 18)
  jsonl     izdeu full build from corpus.jsonl
  rerun     on the index phase's database: no-change re-runs, a 1% touch (mtime only) and a 1%
            edit (content changed), each followed by a re-run (needs `index` first; consumes it)
  peers     xap_tg_index defaults, xap_tg_index tuned, fts5_bench (contentless), Sphinx indexer
  query     1000 queries: izdeu --batch (whole-batch mean, per kind, per-query distribution by
            differencing), izdeu single processes start to exit, xap_search AND/OR, fts5 search
  analyzer  izdeu-analyzer-bench over the corpus in memory (one core)
  scaling   izdeu full builds of 10% and 50% (and 200% with --scale200) + the query batch on each
  shards    izdeu-index --shards 2 when the binary has it (issue 8); recorded as missing otherwise
  profile   perf record (cpu-clock, call graphs) of a full build of a 10% subset; top symbols
  all       index jsonl peers query analyzer scaling shards profile rerun (in that order)

Timed phases should run under the build lock so no compile overlaps a measurement:
    flock /tmp/izdeu-build.lock python3 bench/run_bench.py --phase index
Every build is measured as a whole process: wall time here, user+sys CPU and peak RSS (ru_maxrss)
from /usr/bin/time. Index
size is `du` of the database. Python standard library only.
"""
import argparse
import datetime
import json
import os
import socket
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
PEER_SRC = os.path.normpath(os.path.join(REPO, "..", "shared", "bench"))
ALL = ["index", "jsonl", "peers", "query", "analyzer", "scaling", "shards", "profile", "rerun"]


# ----------------------------------------------------------------------------- measuring

def log(*a):
    print("[bench %s]" % time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


TIME_OUT = "/tmp/izdeu-bench-time.%d" % os.getpid()


def run(cmd, env=None, stdin=None, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
        ok=(0,), rusage=True):
    """Runs cmd; returns dict(wall, cpu, rss_mb, rc, out, err).

    Wall time is taken here; CPU and peak RSS come from /usr/bin/time (its wait4 rusage of the
    command: ru_maxrss), which forks from a small process, so a child's peak RSS is its own and
    not inherited from this Python process. rusage=False runs the command directly (for
    millisecond-scale process timings)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    use_time = rusage and os.path.exists("/usr/bin/time")
    full = (["/usr/bin/time", "-f", "%e %U %S %M", "-o", TIME_OUT] if use_time else []) + list(cmd)
    t0 = time.perf_counter()
    p = subprocess.Popen(full, env=e, stdin=stdin, stdout=stdout, stderr=stderr)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    r = {"wall": wall, "rc": p.returncode,
         "out": out.decode("utf-8", "replace") if isinstance(out, bytes) else "",
         "err": err.decode("utf-8", "replace") if isinstance(err, bytes) else ""}
    if use_time:
        try:
            last = open(TIME_OUT).read().strip().splitlines()[-1].split()
            r.update({"user": float(last[1]), "sys": float(last[2]), "cpu": float(last[1]) + float(last[2]),
                      "rss_mb": int(last[3]) / 1024.0})
        except (OSError, IndexError, ValueError):
            pass
    if check and p.returncode not in ok:
        raise SystemExit("command failed (rc=%s): %s\n%s" % (p.returncode, " ".join(cmd), r["err"][-3000:]))
    return r


def du_mb(path):
    out = subprocess.run(["du", "-sk", path], capture_output=True, text=True, check=True).stdout
    return int(out.split()[0]) / 1024.0


def median(xs):
    return statistics.median(xs) if xs else None


def pct(xs, p):
    v = sorted(xs)
    if not v:
        return None
    k = max(0, min(len(v) - 1, int(-(-p / 100.0 * len(v) // 1)) - 1))
    return v[k]


def warm(paths):
    """Reads files/trees into the page cache (the figures are warm-cache figures)."""
    for p in paths:
        if os.path.isdir(p):
            subprocess.run("find '%s' -type f -print0 | xargs -0 cat > /dev/null" % p, shell=True)
        elif os.path.exists(p):
            subprocess.run(["cat", p], stdout=subprocess.DEVNULL)


def rmtree(p):
    if os.path.islink(p) or os.path.isfile(p):
        os.unlink(p)
    elif os.path.isdir(p):
        shutil.rmtree(p)


def link_tree(files, src_root, dst_root, prefix=""):
    """Hard-links files (under src_root) into dst_root[/prefix], keeping relative paths."""
    made = set()
    for f in files:
        rel = os.path.relpath(f, src_root)
        d = os.path.join(dst_root, prefix, os.path.dirname(rel))
        if d not in made:
            os.makedirs(d, exist_ok=True)
            made.add(d)
        os.link(f, os.path.join(d, os.path.basename(rel)))


# ----------------------------------------------------------------------------- context

class Ctx:
    def __init__(self, a):
        self.a = a
        self.B = os.path.abspath(a.bench_dir)
        self.corpus = os.path.join(self.B, "corpus")
        self.txt = os.path.join(self.corpus, "txt")
        self.jsonl = os.path.join(self.corpus, "corpus.jsonl")
        self.files_lst = os.path.join(self.corpus, "files.lst")  # make_corpus.sh may not write it
        self.queries_tsv = os.path.join(self.B, "queries.tsv")
        self.W = os.path.abspath(a.work or os.path.join(self.B, "run"))
        self.peers = os.path.abspath(a.peers)
        snap = os.path.join(self.W, "bin")
        self.index_bin = os.path.abspath(a.izdeu_index or (os.path.join(snap, "izdeu-index") if os.path.exists(
            os.path.join(snap, "izdeu-index")) else os.path.join(REPO, "build/release/indexer/izdeu-index")))
        self.query_bin = os.path.abspath(a.izdeu_query or (os.path.join(snap, "izdeu-query") if os.path.exists(
            os.path.join(snap, "izdeu-query")) else os.path.join(REPO, "build/release/query/izdeu-query")))
        self.analyzer_bin = os.path.abspath(a.analyzer_bench)
        os.makedirs(self.W, exist_ok=True)
        self.res = {}
        if os.path.exists(a.results):
            with open(a.results) as f:
                self.res = json.load(f)
        self._files = None

    def files(self):
        if self._files is None:
            if not os.path.exists(self.files_lst):
                self.files_lst = os.path.join(self.W, "files.lst")
                if not os.path.exists(self.files_lst):
                    self.need(self.txt)
                    fs = []
                    for d, dirs, names in os.walk(self.txt):
                        fs += [os.path.join(d, n) for n in names if n.endswith(".txt")]
                    fs.sort()
                    with open(self.files_lst + ".tmp", "w") as f:
                        f.write("".join(x + "\n" for x in fs))
                    os.replace(self.files_lst + ".tmp", self.files_lst)
                    log("wrote", self.files_lst, len(fs), "files")
            with open(self.files_lst) as f:
                self._files = [l.rstrip("\n") for l in f if l.strip()]
        return self._files

    def corpus_bytes(self, files=None):
        return sum(os.path.getsize(f) for f in (files or self.files()))

    def save(self, phase, data):
        data["measured_at"] = datetime.datetime.now().isoformat(timespec="seconds")
        data["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
        data["loadavg_at_start"] = getattr(self, "load_start", None)
        data["git_commit"] = self.res.get("snapshot", {}).get("git_commit") if os.path.exists(
            os.path.join(self.W, "bin", "izdeu-index")) and self.index_bin.startswith(self.W) else git_commit()
        data["binary"] = self.index_bin.replace(os.path.expanduser("~"), "~")
        self.res[phase] = data
        self.res["machine"] = machine()
        tmp = self.a.results + ".tmp"
        os.makedirs(os.path.dirname(os.path.abspath(self.a.results)), exist_ok=True)
        with open(tmp, "w") as f:
            json.dump(self.res, f, indent=1, sort_keys=True)
        os.replace(tmp, self.a.results)
        log("saved", phase, "->", self.a.results)

    def need(self, *paths):
        for p in paths:
            if not os.path.exists(p):
                raise SystemExit("missing %s (run make_corpus.sh / an earlier phase first)" % p)


def git_commit():
    try:
        c = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                           text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no",
                                "--", "common", "indexer", "query"], capture_output=True,
                               text=True).stdout.strip()
        return c + ("+dirty(sources)" if dirty else "")
    except OSError:
        return "?"


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model, "mem": mem, "kernel": platform.release(),
            "xapian": subprocess.run(["xapian-config", "--version"], capture_output=True,
                                     text=True).stdout.strip()}


def summary_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                pass
    return {}


def izdeu_build(c, db, inputs, extra=(), rebuild=True, label=""):
    cmd = [c.index_bin, "--db", db, "--quiet", "--summary=json"] + (["--rebuild"] if rebuild else []) \
        + list(extra) + list(inputs)
    log("run", label, " ".join(cmd[:6]), "...")
    r = run(cmd, ok=(0, 1))
    r["summary"] = summary_json(r["out"] + "\n" + r["err"])
    r["size_mb"] = du_mb(db)
    r["cmd"] = " ".join(cmd)
    log("  %s: %.1f s wall, %.1f s cpu, %.0f MB RSS, %.0f MB index, rc=%d" % (
        label, r["wall"], r.get("cpu", 0), r.get("rss_mb", 0), r["size_mb"], r["rc"]))
    r.pop("out")
    r["err"] = r["err"][-2000:]
    return r


# ----------------------------------------------------------------------------- phases

def phase_setup(c):
    os.makedirs(c.peers, exist_ok=True)
    xf = subprocess.run(["xapian-config", "--cxxflags", "--libs"], capture_output=True, text=True,
                        check=True).stdout.split()
    for name, libs in (("xap_tg_index", xf), ("xap_search", xf), ("fts5_bench", ["-lsqlite3"])):
        cmd = ["flock", "/tmp/izdeu-build.lock", "g++", "-O2", "-std=c++17", "-o",
               os.path.join(c.peers, name), os.path.join(PEER_SRC, name + ".cc")] + libs
        log(" ".join(cmd))
        subprocess.run(cmd, check=True)
    bdir = os.path.join(REPO, "build", "bench")
    subprocess.run(["flock", "/tmp/izdeu-build.lock", "sh", "-c",
                    "cmake -S '%s' -B '%s' -DCMAKE_BUILD_TYPE=Release -DIZDEU_BENCH=ON -DIZDEU_TESTS=OFF"
                    " >/dev/null && cmake --build '%s' --target izdeu-analyzer-bench -j2" % (REPO, bdir, bdir)],
                   check=True)


def phase_snapshot(c):
    """Copies build/release's binaries into WORK/bin so that a rebuild by someone else between
    phases cannot change what is measured; records the commit (and whether sources were dirty)."""
    snap = os.path.join(c.W, "bin")
    os.makedirs(snap, exist_ok=True)
    rec = {"git_commit": git_commit()}
    for src in ("build/release/indexer/izdeu-index", "build/release/query/izdeu-query"):
        dst = os.path.join(snap, os.path.basename(src))
        shutil.copy2(os.path.join(REPO, src), dst)
        rec[os.path.basename(src)] = subprocess.run(["sha256sum", dst], capture_output=True,
                                                    text=True).stdout.split()[0][:16]
    rec["source_diff"] = subprocess.run(["git", "-C", REPO, "diff", "--stat", "HEAD", "--", "common", "indexer",
                                         "query"], capture_output=True, text=True).stdout.strip().splitlines()[-1:]
    c.index_bin = os.path.join(snap, "izdeu-index")
    c.query_bin = os.path.join(snap, "izdeu-query")
    c.res["snapshot"] = rec
    c.save("snapshot", rec)
    log("snapshot:", rec)


def phase_index(c):
    c.need(c.txt)
    c.files()
    live = os.path.join(c.W, "txt")
    db = os.path.join(c.W, "izdeu-db")
    rmtree(live)
    log("hard-linking corpus/txt ->", live)
    link_tree(c.files(), c.txt, live)
    rmtree(os.path.join(c.W, "rerun.consumed"))
    warm([c.txt])
    runs = []
    for i in range(c.a.repeat):
        rmtree(db)
        runs.append(izdeu_build(c, db, [live], rebuild=False, label="izdeu full build #%d" % (i + 1)))
    c.save("index", {"runs": runs, "articles": len(c.files()), "bytes": c.corpus_bytes(),
                     "jobs": "default (nproc)"})


def phase_jsonl(c):
    c.need(c.jsonl)
    db = os.path.join(c.W, "izdeu-db-jsonl")
    warm([c.jsonl])
    runs = []
    for i in range(c.a.repeat):
        rmtree(db)
        runs.append(izdeu_build(c, db, [c.jsonl], label="izdeu jsonl build #%d" % (i + 1)))
    c.save("jsonl", {"runs": runs, "bytes": os.path.getsize(c.jsonl)})


def rewrite(path, new_content=None):
    """Replaces a (possibly hard-linked) file with a new inode; content unchanged if None."""
    with open(path, "rb") as f:
        data = f.read()
    if new_content is not None:
        data = new_content(data)
    tmp = path + ".tmp-bench"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def phase_rerun(c):
    live = os.path.join(c.W, "txt")
    db = os.path.join(c.W, "izdeu-db")
    c.need(live, db)
    if os.path.exists(os.path.join(c.W, "rerun.consumed")):
        raise SystemExit("the rerun phase has already edited %s; run --phase index again first" % live)
    warm([live])
    n = len(c.files())
    out = {"articles": n}
    out["nochange"] = [izdeu_build(c, db, [live], rebuild=False, label="no-change re-run #%d" % (i + 1))
                       for i in range(max(3, c.a.repeat))]
    rng = random.Random(9)
    rels = sorted(os.path.relpath(f, c.txt) for f in c.files())
    k = max(1, n // 100)
    pick = rng.sample(rels, 2 * k)
    touched, edited = pick[:k], pick[k:]
    with open(os.path.join(c.W, "rerun.consumed"), "w") as f:
        f.write("edited\n")
    # 1% touched: new inode and mtime, same bytes (content hash path)
    time.sleep(1.1)
    for rel in touched:
        rewrite(os.path.join(live, rel))
    out["touch1"] = izdeu_build(c, db, [live], rebuild=False, label="1%% touched (%d files)" % len(touched))
    # 1% edited: a sentence appended to the body
    for i, rel in enumerate(edited):
        rewrite(os.path.join(live, rel),
                lambda d, i=i: d + ("\n\nBenchmark edit %d: the ombudsman revised paragraph %d.\n" % (i, i)).encode())
    out["edit1"] = izdeu_build(c, db, [live], rebuild=False, label="1%% edited (%d files)" % len(edited))
    out["after_edit_nochange"] = izdeu_build(c, db, [live], rebuild=False, label="no-change after edit")
    out["touched_files"] = len(touched)
    out["edited_files"] = len(edited)
    c.save("rerun", out)


def xap_report(text):
    m = {}
    for line in text.splitlines():
        if "docs=" in line or "p50_ms=" in line:
            for k, v in re.findall(r"(\w+)=([\d.]+)", line):
                m[k] = float(v)
    return m


def phase_peers(c):
    c.need(c.txt)
    warm([c.txt])
    out = {}
    xi = os.path.join(c.peers, "xap_tg_index")
    specs = [
        ("xapian_default", [xi, os.path.join(c.W, "xap-default"), c.txt], {}),
        ("xapian_tuned", [xi, os.path.join(c.W, "xap-tuned"), c.txt, "--no-termlist", "--dangerous",
                          "--no-sync"], {"XAPIAN_FLUSH_THRESHOLD": "1000"}),
        ("fts5", [os.path.join(c.peers, "fts5_bench"), "index", os.path.join(c.W, "fts5.db"), c.txt], {}),
    ]
    for name, cmd, env in specs:
        if c.a.only_peers and name not in c.a.only_peers.split(","):
            continue
        rmtree(cmd[1] if name != "fts5" else cmd[2])
        log("run", name, " ".join(cmd))
        r = run(cmd, env=env)
        r["report"] = xap_report(r["err"])
        r["size_mb"] = du_mb(cmd[1] if name != "fts5" else cmd[2])
        r["cmd"] = " ".join(("%s=%s " % kv for kv in env.items())) + " ".join(cmd)
        r.pop("out")
        r["err"] = r["err"][-1000:]
        log("  %s: %.1f s wall, %.0f MB RSS, %.0f MB" % (name, r["wall"], r.get("rss_mb", 0), r["size_mb"]))
        out[name] = r
    if shutil.which("indexer") and (not c.a.only_peers or "sphinx" in c.a.only_peers):
        sd = os.path.join(c.W, "sphinx")
        rmtree(sd)
        os.makedirs(sd)
        conf = open(os.path.join(PEER_SRC, "sphinx.conf.in")).read().replace("@B@", c.B).replace("@OUT@", c.W)
        cp = os.path.join(sd, "sphinx.conf")
        with open(cp, "w") as f:
            f.write(conf)
        warm([os.path.join(c.corpus, "corpus.tsv")])
        cmd = ["indexer", "--config", cp, "--all", "--quiet"]
        log("run sphinx", " ".join(cmd))
        r = run(cmd, check=False)
        r["size_mb"] = du_mb(sd)
        r["cmd"] = " ".join(cmd)
        r.pop("out")
        r["err"] = r["err"][-1000:]
        log("  sphinx: %.1f s wall, %.0f MB RSS, %.0f MB, rc=%d" % (r["wall"], r.get("rss_mb", 0), r["size_mb"], r["rc"]))
        out["sphinx"] = r
    old = c.res.get("peers", {})
    old.update(out)
    c.save("peers", old)


def load_queries(c):
    qs = []
    with open(c.queries_tsv, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                kind, q = line.split("\t", 1)
                qs.append((kind, q))
    return qs


def write_batch(path, items):
    with open(path, "w", encoding="utf-8") as f:
        for qid, q in items:
            f.write("%s\t%s\n" % (qid, q))


def izdeu_batch_cmd(c, db, path, extra=()):
    return [c.query_bin, "--db", db, "--batch", path, "--format", "trec", "--limit", "10", "--no-snippets"] + list(extra)


def izdeu_query_block(c, db, tag, sample=200, copies=10, singles=100):
    """All izdeu query measurements on one database."""
    qs = load_queries(c)
    qdir = os.path.join(c.W, "queries")
    os.makedirs(qdir, exist_ok=True)
    allb = os.path.join(qdir, "all.batch")
    write_batch(allb, [("q%04d" % i, q) for i, (k, q) in enumerate(qs)])
    # AND variant: every bare word required (+word), phrases kept, as xap_search/fts5 do by default
    def to_and(q):
        parts = re.findall(r'"[^"]*"|\S+', q)
        return " ".join(p if p.startswith('"') else "+" + p for p in parts)
    andb = os.path.join(qdir, "all-and.batch")
    write_batch(andb, [("q%04d" % i, to_and(q)) for i, (k, q) in enumerate(qs)])
    one = os.path.join(qdir, "one.batch")
    write_batch(one, [("q0000", qs[0][1])])
    out = {"queries": len(qs), "cores": os.cpu_count()}
    run(izdeu_batch_cmd(c, db, allb), ok=(0, 1, 2))  # warm-up
    # process start + open + one query
    base = [run(izdeu_batch_cmd(c, db, one), ok=(0, 1, 2), rusage=False)["wall"] for _ in range(15)]
    out["one_query_process_ms"] = median(base) * 1e3
    # Per-query latency from izdeu-query's own timer (--timings), as xap_search and fts5_bench
    # time theirs: median over the runs of each percentile.
    variants = (("default", allb, ()), ("and", andb, ()), ("nofeedback", allb, ("--feedback-docs", "0")))
    for name, path, extra in variants[:1] if c.a.quick else variants:
        reports, walls, rcs = [], [], set()
        for _ in range(2 if c.a.quick else 3):
            # One session: the latency of a query as one user meets it (--jobs would share the cores).
            r = run(izdeu_batch_cmd(c, db, path, list(extra) + ["--timings", "--jobs", "1"]), ok=(0, 1, 2))
            walls.append(r["wall"])
            rcs.add(r["rc"])
            reports.append(xap_report(r["err"]))
            nlines = r["out"].count("\n")
            err = "\n".join(l for l in r["err"].splitlines() if "timings" not in l)
            rss = r.get("rss_mb", 0)
        t = {k: median([x[k] for x in reports if k in x]) for k in reports[0]}
        out["batch_" + name] = dict(t, wall_s=median(walls), rss_mb=rss, rc=sorted(rcs), trec_lines=nlines,
                                    stderr_lines=err.count("\n") + (1 if err else 0), stderr_head=err[:500])
        log("  izdeu %s batch (%s): p50 %.3f p95 %.3f p99 %.3f mean %.3f ms" %
            (name, tag, t["p50_ms"], t["p95_ms"], t["p99_ms"], t["mean_ms"]))
        if name == "default":
            # The whole batch as a user runs it: sessions side by side, one per core (the default).
            pw = [run(izdeu_batch_cmd(c, db, path), ok=(0, 1, 2), rusage=False)["wall"] for _ in range(3)]
            out["batch_default"]["wall_s_parallel"] = median(pw)
            log("  izdeu default batch, whole process, --jobs default (%d cores): %.3f s" % (os.cpu_count(), median(pw)))
    if c.a.quick:
        return out
    kinds = sorted(set(k for k, _ in qs))
    out["per_kind"] = {}
    for k in kinds:
        items = [("q%04d" % i, q) for i, (kk, q) in enumerate(qs) if kk == k]
        p = os.path.join(qdir, "kind-%s.batch" % k)
        write_batch(p, items)
        reports = [xap_report(run(izdeu_batch_cmd(c, db, p, ["--timings", "--jobs", "1"]), ok=(0, 1, 2), rusage=False)["err"])
                   for _ in range(3)]
        out["per_kind"][k] = {key: median([x[key] for x in reports if key in x]) for key in reports[0]}
    rng = random.Random(7)
    # whole processes, start to exit, one query each (as a person or a script runs it)
    idx = sorted(rng.sample(range(len(qs)), min(singles, len(qs))))
    for name, extra in (("trec_nosnippets", ["--format", "trec", "--no-snippets"]),
                        ("text_snippets", ["--format", "text", "--color", "never"])):
        ws = []
        for i in idx:
            ws.append(run([c.query_bin, "--db", db, "--limit", "10"] + extra + [qs[i][1]],
                          ok=(0, 1, 2), rusage=False)["wall"] * 1e3)
        out["process_" + name] = {"p50_ms": pct(ws, 50), "p95_ms": pct(ws, 95), "p99_ms": pct(ws, 99),
                                  "max_ms": max(ws), "n": len(ws)}
        log("  izdeu process %s: p50 %.1f p95 %.1f p99 %.1f ms" % (name, pct(ws, 50), pct(ws, 95), pct(ws, 99)))
    return out


def phase_query(c):
    db = os.path.join(c.W, "izdeu-db")
    c.need(db, c.queries_tsv)
    out = {}
    qtxt = os.path.join(c.W, "queries", "queries.txt")
    os.makedirs(os.path.dirname(qtxt), exist_ok=True)
    with open(qtxt, "w", encoding="utf-8") as f:
        for _, q in load_queries(c):
            f.write(q + "\n")
    warm([db])
    out["izdeu"] = izdeu_query_block(c, db, "full")
    xdb = os.path.join(c.W, "xap-default")
    if os.path.exists(xdb):
        warm([xdb])
        for name, extra in (("xapian_and", []), ("xapian_or", ["--or"])):
            runs = [xap_report(run([os.path.join(c.peers, "xap_search"), xdb, qtxt] + extra)["err"])
                    for _ in range(3)]
            out[name] = {k: median([r[k] for r in runs if k in r]) for k in runs[0]}
            log("  %s: p50 %.3f p95 %.3f p99 %.3f ms" % (name, out[name]["p50_ms"], out[name]["p95_ms"], out[name]["p99_ms"]))
        # The 1000 queries as one whole process (start, open, one pass, exit), as izdeu's batch
        # is timed (issue 18): xap_search's default second pass would double its work.
        walls = [run([os.path.join(c.peers, "xap_search"), xdb, qtxt, "--or", "--passes", "1"], rusage=False)["wall"]
                 for _ in range(3)]
        out["xapian_or"]["process_wall_s"] = median(walls)
        log("  xapian_or one pass, whole process: %.3f s" % median(walls))
    fdb = os.path.join(c.W, "fts5.db")
    if os.path.exists(fdb):
        warm([fdb])
        runs = [xap_report(run([os.path.join(c.peers, "fts5_bench"), "search", fdb, qtxt])["err"]) for _ in range(3)]
        out["fts5"] = {k: median([r[k] for r in runs if k in r]) for k in runs[0]}
        log("  fts5: p50 %.3f p95 %.3f p99 %.3f ms" % (out["fts5"]["p50_ms"], out["fts5"]["p95_ms"], out["fts5"]["p99_ms"]))
    c.save("query", out)


def phase_analyzer(c):
    c.files()
    if not os.path.exists(c.analyzer_bin):
        raise SystemExit("missing %s: run --phase setup first" % c.analyzer_bin)
    cmd = [c.analyzer_bin, "--passes", str(c.a.analyzer_passes), "@" + c.files_lst]
    log("run", " ".join(cmd))
    r = run(cmd)
    modes = {}
    for line in r["out"].splitlines():
        kv = dict(re.findall(r"(\w+)=([\w.\-]+)", line))
        if kv.get("mode", "").endswith("-best"):
            modes[kv["mode"][:-5]] = {"MBps": float(kv["MBps"]), "secs": float(kv["secs"]),
                                      "tokens": int(kv["tokens"]), "bytes": int(kv["bytes"])}
    for m, v in modes.items():
        log("  %s: %.2f MB/s (%.1f s)" % (m, v["MBps"], v["secs"]))
    c.save("analyzer", {"modes": modes, "rss_mb": r.get("rss_mb"), "cmd": " ".join(cmd)})


def phase_scaling(c):
    files = c.files()
    scales = [10, 50] + ([200] if c.a.scale200 else [])
    out = c.res.get("scaling", {}) if c.a.scale200 and not c.a.scale_fresh else {}
    if c.a.scale200:
        scales = [200] if out else scales
    for s in scales:
        tree = os.path.join(c.W, "scale%d" % s)
        db = os.path.join(c.W, "izdeu-db-scale%d" % s)
        rmtree(tree)
        if s <= 100:
            sub = files[: len(files) * s // 100]
            link_tree(sub, c.txt, tree)
            nbytes = c.corpus_bytes(sub)
        else:
            for k in range(s // 100):
                link_tree(files, c.txt, tree, prefix="copy%d" % k)
            sub = files * (s // 100)
            nbytes = c.corpus_bytes(files) * (s // 100)
        warm([tree])
        r = izdeu_build(c, db, [tree], label="izdeu scale %d%%" % s)
        r["articles"] = len(sub)
        r["bytes"] = nbytes
        saved_quick = c.a.quick
        c.a.quick = True
        r["query"] = izdeu_query_block(c, db, "scale%d" % s)
        c.a.quick = saved_quick
        out[str(s)] = r
        rmtree(tree)
        if not c.a.keep_dbs:
            rmtree(db)
        c.save("scaling", out)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_shard(path):
    """xapian-tcpsrv on loopback for one shard; returns (process, port) once it accepts."""
    port = free_port()
    # Its own session: on SIGTERM xapian-tcpsrv signals its whole process group (its forked
    # children), which would otherwise include this harness.
    proc = subprocess.Popen(["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(port), path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("xapian-tcpsrv did not start for %s" % path)


def phase_shards(c):
    h = subprocess.run([c.index_bin, "--help"], capture_output=True, text=True).stdout
    if "--shards" not in h:
        c.save("shards", {"available": False, "note": "izdeu-index has no --shards option at this commit"})
        log("izdeu-index has no --shards: recorded as not available")
        return
    live = os.path.join(c.W, "txt")
    c.need(live)
    out = {"available": True}
    for n in (2,):
        db = os.path.join(c.W, "izdeu-db-shards%d" % n)
        rmtree(db)
        out[str(n)] = izdeu_build(c, db, [live], extra=["--shards", str(n)], label="izdeu %d shards" % n)
        if not os.path.exists(c.queries_tsv):
            continue
        saved_quick = c.a.quick
        c.a.quick = True
        warm([db])
        layouts = {"local": db}
        servers = []
        if shutil.which("xapian-tcpsrv"):
            # The same shards, one and then all of them served by xapian-tcpsrv on loopback.
            shard_dirs = sorted(os.path.join(db, d) for d in os.listdir(db) if d.startswith("shard-"))
            ports = []
            for d in shard_dirs:
                proc, port = serve_shard(d)
                servers.append(proc)
                ports.append(port)
            for name, remote_count in (("one_remote", 1), ("all_remote", len(shard_dirs))):
                stub = os.path.join(c.W, "shards%d-%s.stub" % (n, name))
                with open(stub, "w") as f:
                    for i, d in enumerate(shard_dirs):
                        f.write("remote 127.0.0.1:%d\n" % ports[i] if i >= len(shard_dirs) - remote_count
                                else "auto %s\n" % d)
                layouts[name] = stub
        try:
            out[str(n)]["query_layouts"] = {name: izdeu_query_block(c, path, "shards%d %s" % (n, name))
                                           for name, path in layouts.items()}
        finally:
            for proc in servers:
                proc.terminate()
                proc.wait()
            c.a.quick = saved_quick
    c.save("shards", out)


def short(sym):
    sym = re.sub(r"\s+-\s+-$", "", sym.strip())
    sym = sym.replace("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string")
    sym = sym.replace("std::__cxx11::", "std::")
    return sym


def phase_profile(c):
    if not shutil.which("perf"):
        c.save("profile", {"available": False})
        return
    files = c.files()[: len(c.files()) * c.a.profile_percent // 100]
    tree = os.path.join(c.W, "profile-txt")
    db = os.path.join(c.W, "izdeu-db-profile")
    data = os.path.join(c.W, "perf.data")
    rmtree(tree)
    rmtree(db)
    link_tree(files, c.txt, tree)
    warm([tree])
    cmd = ["perf", "record", "-e", "cpu-clock", "-F", "149", "--call-graph", "dwarf,8192", "-o", data, "--",
           c.index_bin, "--db", db, "--quiet", tree]
    log("run", " ".join(cmd))
    r = run(cmd, ok=(0, 1))
    def report(extra):
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--percent-limit", "0.8"] + extra,
                             capture_output=True, text=True).stdout
        rows = []
        for line in rep.splitlines():
            m = re.match(r"\s+([\d.]+)%\s+(\S+)\s+\[.\]\s+(.*?)\s*$", line)
            if m:
                rows.append({"pct": float(m.group(1)), "dso": m.group(2), "symbol": short(m.group(3))})
        return rows
    self_rows = report(["--no-children", "-g", "none", "--sort", "dso,symbol"])
    dso = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children", "-g", "none",
                          "--sort", "dso"], capture_output=True, text=True).stdout
    dso_rows = [{"pct": float(m.group(1)), "dso": m.group(2)}
                for m in re.finditer(r"^\s+([\d.]+)%\s+(\S+)\s*$", dso, re.M)]
    incl = subprocess.run(["perf", "report", "-i", data, "--stdio", "--children", "-g", "none",
                           "--sort", "symbol", "--percent-limit", "5"], capture_output=True, text=True).stdout
    incl_rows = []
    for m in re.finditer(r"^\s+([\d.]+)%\s+([\d.]+)%\s+\[.\]\s+(.*?)\s*$", incl, re.M):
        incl_rows.append({"children": float(m.group(1)), "self": float(m.group(2)), "symbol": short(m.group(3))})
    result = {"available": True, "articles": len(files), "wall": r["wall"], "cpu": r.get("cpu"),
              "cmd": " ".join(cmd), "self": self_rows[:25], "dso": dso_rows[:12], "inclusive": incl_rows[:40]}
    # the analyzer alone (one thread, text in memory): where its time goes
    if os.path.exists(c.analyzer_bin):
        lst = os.path.join(c.W, "profile-files.lst")
        with open(lst, "w") as f:
            f.write("".join(x + "\n" for x in files))
        acmd = ["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-o", data, "--",
                c.analyzer_bin, "--passes", "1", "--only", "analyze", "@" + lst]
        log("run", " ".join(acmd))
        run(acmd)
        result["analyzer_cmd"] = " ".join(acmd)
        result["analyzer_self"] = report(["--no-children", "-g", "none", "--sort", "dso,symbol"])[:25]
    c.save("profile", result)
    rmtree(tree)
    rmtree(db)


# ----------------------------------------------------------------------------- BENCHMARKS.md

BEGIN, END = "<!-- run_bench:begin (generated by bench/run_bench.py --write-md; edits here are overwritten) -->", \
    "<!-- run_bench:end -->"


def f1(x, d=1):
    return "—" if x is None else ("%.*f" % (d, x))


def best_run(runs):
    """The median run by wall time."""
    s = sorted(runs, key=lambda r: r["wall"])
    return s[(len(s) - 1) // 2]


def render(res):
    L = []
    m = res.get("machine", {})
    L.append("Machine: %s cores, %s, %s RAM, Linux %s, Xapian %s. Figures are wall times of whole "
             "processes, warm page cache, measured with `/usr/bin/time` (peak RSS = `ru_maxrss`); index "
             "size is `du` of the database folder." % (m.get("nproc"), m.get("cpu"), m.get("mem"),
                                                        m.get("kernel"), (m.get("xapian") or "?").split()[-1]))
    L.append("")
    stamps = sorted({(k, v.get("measured_at", "?"), v.get("git_commit", "?")) for k, v in res.items()
                     if isinstance(v, dict) and "measured_at" in v and k != "snapshot"}, key=lambda x: ALL.index(x[0]) if x[0] in ALL else 99)
    L.append("Phases measured (end time, izdeu commit, 1-minute load average at start → end; the "
             "machine is shared, so other engineers' compiles and tests ran at the same time): " + "; ".join(
                 "`%s` %s, %s, load %s → %s" % (k, t.replace("T", " ")[5:16], g, (res[k].get("loadavg_at_start") or ["?"])[0],
                                               (res[k].get("loadavg_at_end") or ["?"])[0]) for k, t, g in stamps) + ".")
    L.append("")
    idx = res.get("index")
    peers = res.get("peers", {})
    xd = peers.get("xapian_default")
    fts = peers.get("fts5")
    MB = (idx or {}).get("bytes", 0) / 1e6
    iz = best_run(idx["runs"]) if idx else None

    L.append("### Full build (%s articles, %.0f MB of text)" % ((idx or {}).get("articles", "?"), MB))
    L.append("")
    L.append("| engine | wall | MB/s | CPU (user+sys) | peak RSS | index size | izdeu's speed-up over it |")
    L.append("|---|---|---|---|---|---|---|")
    rows = []
    if iz:
        rows.append(("**izdeu** `izdeu-index DIR` into a new database (txt)" if iz.get("summary", {}).get(
            "first_build") else "**izdeu** `izdeu-index --rebuild` (txt)", iz))
    if res.get("jsonl"):
        rows.append(("izdeu, from corpus.jsonl", best_run(res["jsonl"]["runs"])))
    for k, label in (("xapian_default", "plain Xapian `xap_tg_index`, defaults"),
                     ("xapian_tuned", "plain Xapian, tuned (flush 1000, no termlist, dangerous, no sync)"),
                     ("fts5", "SQLite FTS5 `fts5_bench index` (contentless)"),
                     ("sphinx", "Sphinx 2.2 `indexer`")):
        if k in peers:
            rows.append((label, peers[k]))
    for label, r in rows:
        ratio = (r["wall"] / iz["wall"]) if iz else None
        L.append("| %s | %s s | %s | %s s | %s MB | %s MB | %s |" % (
            label, f1(r["wall"]), f1(MB / r["wall"] if MB else None, 2), f1(r.get("cpu")),
            f1(r.get("rss_mb"), 0), f1(r.get("size_mb"), 0),
            "—" if label.startswith(("**izdeu", "izdeu")) else ("%.2f×" % ratio if ratio else "—")))
    L.append("")
    L.append("Speed-up = the peer's wall time / izdeu's (above 1: izdeu is faster). CPU above wall "
             "means both cores were busy.")
    if iz and iz.get("summary"):
        L.append("izdeu's summary: `%s`." % json.dumps(iz["summary"], sort_keys=True))
    L.append("")

    rr = res.get("rerun")
    if rr:
        n = rr["articles"]
        nc = [r["wall"] for r in rr["nochange"]]
        L.append("### Incremental runs (on the full build's database, %d articles)" % n)
        L.append("")
        L.append("| run | wall | per 100k articles | CPU | peak RSS | vs full build | summary |")
        L.append("|---|---|---|---|---|---|---|")
        def row(label, r):
            L.append("| %s | %s s | %s s | %s s | %s MB | %s | `%s` |" % (
                label, f1(r["wall"], 2), f1(r["wall"] * 100000 / n, 2), f1(r.get("cpu"), 2),
                f1(r.get("rss_mb"), 0), ("%.1f%%" % (100 * r["wall"] / iz["wall"])) if iz else "—",
                json.dumps({k: v for k, v in r.get("summary", {}).items() if k in
                            ("added", "updated", "unchanged", "deleted", "failed")}, sort_keys=True)))
        med = sorted(rr["nochange"], key=lambda r: r["wall"])[(len(nc) - 1) // 2]
        row("no-change re-run (median of %d: %s s)" % (len(nc), ", ".join(f1(x, 2) for x in nc)), med)
        row("1%% touched (%d files: new mtime, same bytes)" % rr["touched_files"], rr["touch1"])
        row("1%% edited (%d files: a sentence appended)" % rr["edited_files"], rr["edit1"])
        row("no-change re-run after the edit", rr["after_edit_nochange"])
        L.append("")

    an = res.get("analyzer")
    if an:
        L.append("### Analyzer throughput (one thread, text in memory, `izdeu-analyzer-bench`)")
        L.append("")
        L.append("| what | MB/s | seconds for the corpus | tokens |")
        L.append("|---|---|---|---|")
        labels = {"analyze": "izdeu analysis alone: `detect_language` + `Analyzer::analyze` of title and body",
                  "indexer": "as `build_document` calls it today: parse + title + body twice (duplicate key, postings)",
                  "icu-break": "ICU word breaking alone (UTF-8 UText, root locale), for reference"}
        for k in ("analyze", "indexer", "icu-break"):
            if k in an["modes"]:
                v = an["modes"][k]
                L.append("| %s | %s | %s | %s |" % (labels[k], f1(v["MBps"], 1), f1(v["secs"]), v["tokens"]))
        L.append("")

    q = res.get("query")
    if q and "izdeu" in q:
        zi = q["izdeu"]
        L.append("### Query latency (1000 queries, top 10, warm)")
        L.append("")
        L.append("| engine / mode | p50 | p95 | p99 | mean | notes |")
        L.append("|---|---|---|---|---|---|")
        for k, label in (("batch_default", "**izdeu** `--batch` (default: ranked OR, boosts, feedback; no snippets)"),
                         ("batch_and", "izdeu `--batch`, every word required (`+w`, the peers' AND)"),
                         ("batch_nofeedback", "izdeu `--batch --feedback-docs 0`")):
            v = zi.get(k)
            if v and "p50_ms" in v:
                L.append("| %s | %s ms | %s ms | %s ms | %s ms | in-process timer (`--timings`), median of %s runs |" % (
                    label, f1(v["p50_ms"], 2), f1(v["p95_ms"], 2), f1(v["p99_ms"], 2), f1(v["mean_ms"], 2),
                    2 if k == "batch_default" and "batch_and" not in zi else 3))
        for k, label in (("xapian_and", "plain Xapian `xap_search` (AND)"), ("xapian_or", "plain Xapian `xap_search --or`"),
                         ("fts5", "SQLite FTS5 `fts5_bench search` (AND)")):
            if k in q:
                v = q[k]
                L.append("| %s | %s ms | %s ms | %s ms | %s ms | in-process timer, median of 3 runs |" % (
                    label, f1(v["p50_ms"], 2), f1(v["p95_ms"], 2), f1(v["p99_ms"], 2), f1(v["mean_ms"], 2)))
        L.append("")
        if "per_kind" in zi:
            L.append("izdeu per query kind (p50 / p99 / mean): " + ", ".join(
                "%s %.2f / %.2f / %.2f ms" % (k, v["p50_ms"], v["p99_ms"], v["mean_ms"])
                for k, v in sorted(zi["per_kind"].items())) + ".")
            L.append("")
        L.append("Whole `izdeu-query` processes, start to exit (%s sampled queries, limit 10):" % zi.get("process_text_snippets", {}).get("n", "?"))
        L.append("")
        L.append("| mode | p50 | p95 | p99 | max |")
        L.append("|---|---|---|---|---|")
        L.append("| one-query `--batch` process (median of 15) | %s ms | | | |" % f1(zi["one_query_process_ms"], 1))
        for k, label in (("process_trec_nosnippets", "`--format trec --no-snippets`"),
                         ("process_text_snippets", "default text output with snippets")):
            if k in zi:
                v = zi[k]
                L.append("| %s | %s ms | %s ms | %s ms | %s ms |" % (label, f1(v["p50_ms"], 1), f1(v["p95_ms"], 1),
                                                                    f1(v["p99_ms"], 1), f1(v["max_ms"], 1)))
        L.append("")
        if "process_wall_s" in q.get("xapian_or", {}) and "wall_s" in zi.get("batch_default", {}):
            a, x = zi["batch_default"]["wall_s"], q["xapian_or"]["process_wall_s"]
            L.append("The %d queries as one whole process (start, open, every query, exit; median of %s): izdeu "
                     "`--batch --format trec --no-snippets --jobs 1` %.2f s, `xap_search --or --passes 1` %.2f s (izdeu %.2f× its time)." % (
                         zi.get("queries", 1000), "2" if "batch_and" not in zi else "3", a, x, a / x))
            if "wall_s_parallel" in zi["batch_default"]:
                ap = zi["batch_default"]["wall_s_parallel"]
                L.append("With the default `--jobs` (one session per core, %s here) izdeu's batch took %.2f s (%.2f× "
                         "`xap_search`'s one thread; the same output byte for byte)." % (
                             zi.get("cores", "2"), ap, ap / x))
            L.append("")
        b = zi["batch_default"]
        L.append("Batch run: exit codes %s, %d TREC lines, %d stderr lines%s." % (
            b["rc"], b["trec_lines"], b["stderr_lines"],
            (" (first: `%s`)" % b["stderr_head"].splitlines()[0][:200]) if b["stderr_head"].strip() else ""))
        L.append("")

    sc = res.get("scaling")
    if sc:
        L.append("### Scaling (izdeu full builds of a prefix of the shuffled corpus; 200% = the corpus twice)")
        L.append("")
        L.append("| share | articles | MB | wall | ms per article | MB/s | peak RSS | index size | query batch mean |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        pts = [(int(k), v) for k, v in sc.items() if k.isdigit()]
        if iz and idx:
            pts.append((100, dict(iz, articles=idx["articles"], bytes=idx["bytes"],
                                  query={"batch_default": (q or {}).get("izdeu", {}).get("batch_default", {})})))
        for s, v in sorted(pts, key=lambda x: x[0]):
            qm = v.get("query", {}).get("batch_default", {}).get("mean_ms")
            L.append("| %d%% | %d | %.0f | %s s | %s | %s | %s MB | %s MB | %s ms |" % (
                s, v["articles"], v["bytes"] / 1e6, f1(v["wall"]), f1(v["wall"] * 1e3 / v["articles"], 2),
                f1(v["bytes"] / 1e6 / v["wall"], 2), f1(v.get("rss_mb"), 0), f1(v.get("size_mb"), 0), f1(qm, 2)))
        L.append("")

    sh = res.get("shards")
    if sh:
        L.append("### Shards (issue 8)")
        L.append("")
        if not sh.get("available"):
            L.append("Not measured: %s." % sh.get("note", "not available"))
        else:
            for n, v in sh.items():
                if n.isdigit():
                    L.append("- %s shards: full build %s s, peak RSS %s MB, %s MB." % (
                        n, f1(v["wall"]), f1(v.get("rss_mb"), 0), f1(v.get("size_mb"), 0)))
                    lay = v.get("query_layouts")
                    if lay:
                        L.append("")
                        L.append("Query latency over the %s shards (the 1000 queries, default ranking, no snippets, "
                                 "`--timings`, median of 2 runs; remote shards served by `xapian-tcpsrv` on "
                                 "127.0.0.1):" % n)
                        L.append("")
                        L.append("| layout | p50 | p95 | p99 | mean | one-query process |")
                        L.append("|---|---|---|---|---|---|")
                        single = (res.get("query") or {}).get("izdeu", {})
                        rows = [("one database (query phase)", single)] if single.get("batch_default") else []
                        rows += [(label, lay[k]) for k, label in (("local", "%s local shards (stub)" % n),
                                 ("one_remote", "1 local + 1 remote"), ("all_remote", "all %s remote" % n)) if k in lay]
                        for label, z in rows:
                            b = z.get("batch_default", {})
                            if "p50_ms" in b:
                                L.append("| %s | %s ms | %s ms | %s ms | %s ms | %s ms |" % (
                                    label, f1(b["p50_ms"], 2), f1(b["p95_ms"], 2), f1(b["p99_ms"], 2),
                                    f1(b["mean_ms"], 2), f1(z.get("one_query_process_ms"), 1)))
        L.append("")

    # targets
    L.append("### Issue 9's targets")
    L.append("")
    L.append("| target | measured | met? |")
    L.append("|---|---|---|")
    def tgt(name, val, ok):
        L.append("| %s | %s | %s |" % (name, val, "—" if ok is None else ok if isinstance(ok, str) else ("yes" if ok else "**no**")))
    if iz and xd:
        sp = xd["wall"] / iz["wall"]
        tgt("full build ≥ 3× faster than plain Xapian defaults (4× stretch)", "%.2f× (%.1f s vs %.1f s)" % (sp, iz["wall"], xd["wall"]), sp >= 3)
    if iz and fts:
        tgt("ratio to SQLite FTS5 bulk load (reported)", "izdeu takes %.1f× FTS5's time" % (iz["wall"] / fts["wall"]), None)
    if iz:
        cands = [("txt full build", iz.get("rss_mb", 0))]
        cands += [("%s%% build" % k, v.get("rss_mb", 0)) for k, v in (sc or {}).items() if k.isdigit()]
        if res.get("jsonl"):
            cands.append(("JSONL build", best_run(res["jsonl"]["runs"]).get("rss_mb", 0)))
        cands += [("%s-shard build" % k, v.get("rss_mb", 0)) for k, v in (sh or {}).items()
                  if k.isdigit() and isinstance(v, dict)]
        wname, worst = max(cands, key=lambda x: x[1])
        tgt("peak RSS < 1 GiB at any corpus size", "%.0f MB, the largest of all izdeu builds (%s); txt full build %.0f MB" % (
            worst, wname, iz.get("rss_mb", 0)), worst < 1024)
    if rr:
        w = median([r["wall"] for r in rr["nochange"]]) * 100000 / rr["articles"]
        tgt("no-change re-run ≈ 1 s per 100k articles", "%.2f s per 100k" % w,
            True if w <= 1.1 else ("nearly" if w <= 1.6 else False))
        if iz:
            f = rr["edit1"]["wall"] / iz["wall"]
            tgt("1% update: a small fraction of a full build", "%.1f s = %.1f%% of the full build" % (rr["edit1"]["wall"], 100 * f), f <= 0.1)
    if an and "analyze" in an["modes"]:
        v = an["modes"]["analyze"]["MBps"]
        tgt("analysis ≥ 25 MB/s on one core", "%.1f MB/s" % v, v >= 25)
    if q and "izdeu" in q and "xapian_and" in q and "p99_ms" in q["izdeu"].get("batch_default", {}):
        a, b = q["izdeu"]["batch_default"]["p99_ms"], q["xapian_and"]["p99_ms"]
        a2 = q["izdeu"].get("batch_and", {}).get("p99_ms")
        tgt("query p99 ≤ plain Xapian's (no snippets)", "default %.2f ms, AND %s ms vs %.2f ms (xap_search AND; OR: %s ms)" % (
            a, f1(a2, 2), b, f1(q.get("xapian_or", {}).get("p99_ms"), 2)), a <= b)
    if q and "izdeu" in q and "p99_ms" in q.get("xapian_or", {}) and "p99_ms" in q["izdeu"].get("batch_default", {}):
        d, x = q["izdeu"]["batch_default"], q["xapian_or"]
        tgt("issue 18: default query p50 ≤ 1 ms and p99 ≤ `xap_search --or`'s", "p50 %.2f ms, p99 %.2f ms vs %.2f ms" % (
            d["p50_ms"], d["p99_ms"], x["p99_ms"]), d["p50_ms"] <= 1 and d["p99_ms"] <= x["p99_ms"])
        if "process_wall_s" in x and "wall_s" in d:
            best = d.get("wall_s_parallel", d["wall_s"])
            tgt("issue 18: the 1000-query `--batch` process no slower than `xap_search --or`'s",
                "%.2f s (default --jobs; %.2f s with --jobs 1) vs %.2f s" % (best, d["wall_s"], x["process_wall_s"]),
                best <= x["process_wall_s"])
    if q and "izdeu" in q and "process_text_snippets" in q["izdeu"]:
        v = q["izdeu"]["process_text_snippets"]
        tgt("issue 18: one cold `izdeu-query` process with snippets, p99 ≤ 20 ms", "p99 %.1f ms" % v["p99_ms"],
            v["p99_ms"] <= 20)
    if q and "izdeu" in q and "process_text_snippets" in q["izdeu"]:
        v = q["izdeu"]["process_text_snippets"]
        v2 = q["izdeu"]["process_trec_nosnippets"]
        tgt("one `izdeu-query` process, start to exit, ≤ 20 ms", "p50 %.1f ms / p99 %.1f ms with snippets; p50 %.1f ms without" % (
            v["p50_ms"], v["p99_ms"], v2["p50_ms"]), v["p50_ms"] <= 20)
    L.append("")

    pr = res.get("profile")
    if pr and pr.get("available"):
        L.append("### Where the time goes (perf, full build of %d articles, cpu-clock sampling)" % pr["articles"])
        L.append("")
        L.append("`%s` — %.1f s wall, %.1f s CPU." % (pr["cmd"].replace(REPO + "/", ""), pr["wall"], pr.get("cpu") or 0))
        L.append("")
        L.append("Top 10 functions by self time (share of all samples, both threads):")
        L.append("")
        L.append("| # | self | library | function |")
        L.append("|---|---|---|---|")
        for i, x in enumerate(pr["self"][:10], 1):
            L.append("| %d | %.1f%% | %s | `%s` |" % (i, x["pct"], x["dso"], x["symbol"][:140].replace("|", "\\|")))
        L.append("")
        if pr.get("dso"):
            L.append("By library (self): " + ", ".join("%s %.1f%%" % (d["dso"], d["pct"]) for d in pr["dso"][:8]) + ".")
            L.append("")
        if pr.get("inclusive"):
            L.append("Inclusive (with callees), izdeu and Xapian entry points ≥ 5%:")
            L.append("")
            L.append("| with callees | self | function |")
            L.append("|---|---|---|")
            keep = [x for x in pr["inclusive"] if re.search(r"izdeu|Xapian|Glass|icu|Stem", x["symbol"])][:14]
            for x in keep:
                L.append("| %.1f%% | %.1f%% | `%s` |" % (x["children"], x["self"], x["symbol"][:140].replace("|", "\\|")))
            L.append("")
        if pr.get("analyzer_self"):
            L.append("The analyzer alone (`izdeu-analyzer-bench --only analyze`, same articles, one thread), "
                     "top 10 by self time:")
            L.append("")
            L.append("| # | self | library | function |")
            L.append("|---|---|---|---|")
            for i, x in enumerate(pr["analyzer_self"][:10], 1):
                L.append("| %d | %.1f%% | %s | `%s` |" % (i, x["pct"], x["dso"], x["symbol"][:140].replace("|", "\\|")))
            L.append("")
    return "\n".join(L)


TEMPLATE = """# izdeu benchmarks

The benchmark harness of issue 9: izdeu and the engines people would otherwise use, on the same
corpus (89,323 article-sized texts, 275 MB, English/Russian/Kazakh, built from Debian
documentation by `../shared/bench/make_corpus.sh`) in the same run. How to run it: `bench/README.md`.

## Command

```sh
bash ../shared/bench/make_corpus.sh   # once: the corpus in ~/.cache/izdeu-bench
bench/run_all.sh                      # build, then every phase under /tmp/izdeu-build.lock, then this file
```

`bench/run_all.sh` runs `python3 bench/run_bench.py --phase P` for P in setup, snapshot, index,
jsonl, peers, query, analyzer, scaling, shards, profile, rerun (each under the build lock), then
`python3 bench/run_bench.py --write-md`, which rewrites the tables below from
`bench/results/latest.json`.

## Results

%s
%s
%s
"""


def write_md(res, path):
    body = BEGIN + "\n\n" + render(res).replace(os.path.expanduser("~") + "/", "~/") + "\n" + END
    if os.path.exists(path):
        text = open(path, encoding="utf-8").read()
        if BEGIN in text and END in text:
            pre = text.split(BEGIN)[0]
            post = text.split(END, 1)[1]
            text = pre + body + post
        else:
            text = text.rstrip() + "\n\n" + body + "\n"
    else:
        text = TEMPLATE % (body, "", "")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    log("wrote", path)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phase", action="append", default=[],
                    help="setup, index, jsonl, rerun, peers, query, analyzer, scaling, shards, profile, all (repeatable)")
    ap.add_argument("--bench-dir", default=os.path.join(CACHE, "izdeu-bench"), help="make_corpus.sh's output")
    ap.add_argument("--work", help="databases and scratch trees (default BENCH_DIR/run)")
    ap.add_argument("--peers", default=os.path.join(CACHE, "izdeu-bench-peers"), help="built peer programs")
    ap.add_argument("--izdeu-index", help="default: the snapshot in WORK/bin, else build/release's")
    ap.add_argument("--izdeu-query", help="default: the snapshot in WORK/bin, else build/release's")
    ap.add_argument("--analyzer-bench", default=os.path.join(REPO, "build/bench/bench/izdeu-analyzer-bench"))
    ap.add_argument("--results", default=os.path.join(HERE, "results", "latest.json"))
    ap.add_argument("--md", default=os.path.join(REPO, "BENCHMARKS.md"))
    ap.add_argument("--write-md", action="store_true", help="rewrite BENCHMARKS.md's tables from --results")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each full build (median reported)")
    ap.add_argument("--only-peers", help="peers phase: comma list of xapian_default,xapian_tuned,fts5,sphinx")
    ap.add_argument("--analyzer-passes", type=int, default=1)
    ap.add_argument("--scale200", action="store_true", help="scaling phase: only the 200%% point (duplicated corpus), added to earlier results")
    ap.add_argument("--scale-fresh", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--keep-dbs", action="store_true", help="keep the scaling databases")
    ap.add_argument("--profile-percent", type=int, default=10)
    ap.add_argument("--quick", action="store_true", help="query phase: whole-batch means only")
    a = ap.parse_args()
    phases = []
    for p in a.phase:
        phases += ALL if p == "all" else p.split(",")
    c = Ctx(a)
    for p in phases:
        if p not in ALL + ["setup", "snapshot"]:
            raise SystemExit("unknown phase %s" % p)
        fn = globals().get("phase_" + p)
        if not fn:
            raise SystemExit("unknown phase %s" % p)
        log("=== phase", p, "load average", os.getloadavg())
        c.load_start = [round(x, 2) for x in os.getloadavg()]
        t0 = time.time()
        fn(c)
        log("=== phase %s done in %.0f s" % (p, time.time() - t0))
    if a.write_md:
        write_md(c.res, a.md)
    if not phases and not a.write_md:
        ap.print_help()


if __name__ == "__main__":
    main()

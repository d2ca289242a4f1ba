#!/usr/bin/env python3
"""Benchmark: lockgraph scan against clang-19 -fsyntax-only on the same TUs.

Runs, in one go, on the same compile commands and at the same -j:
  1. clang-19 -fsyntax-only over every TU (the yardstick: Clang's parse time),
  2. a full lockgraph scan (--full: every TU extracted, then the global step),
  3. three one-file re-scans of one TU's source: after a comment is
     appended (the TU is parsed again, its facts are the same, the stored
     global step is kept), after a line is inserted at the top (every
     function of the file moves a line: the stored output's lines are
     moved) and after a function is added at the end (the facts change:
     the global step runs again).
Prints wall and CPU time, peak memory per worker process and of the largest
process (the scan itself, in the global step), and database size.
This is a benchmark, not a test: it prints figures and asserts nothing.

usage: bench/bench.py --compdb FILE [--root DIR] [-j N] [--only PREFIX ...]
                      [--touch FILE] [--lockgraph PATH] [--db PATH]
                      [--top N] [--rescans-only]

Each scan reports its best --top findings (10), as a user's scan would.
--rescans-only runs step 3 alone, on an existing --db.
"""
import argparse, json, os, shlex, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

def syntax_only_args(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out, skip = [], False
    for a in args[1:]:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a.startswith("-Wp,-M") or a == "-c":
            continue
        out.append(a)
    return ["clang-19", "-fsyntax-only", "-w"] + out

def run_measured(argv, cwd):
    """Runs argv; returns (exit code, cpu seconds, peak RSS KiB) of that process."""
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss

def syntax_only(entries, jobs):
    start = time.monotonic()
    with ThreadPoolExecutor(jobs) as pool:
        results = list(pool.map(
            lambda e: run_measured(syntax_only_args(e), e["directory"]), entries))
    wall = time.monotonic() - start
    return {"wall": wall, "cpu": sum(r[1] for r in results),
            "peak_kb": max(r[2] for r in results),
            "failed": sum(1 for r in results if r[0] != 0)}

def lockgraph_scan(lg, compdb, root, db, jobs, full, top):
    # The report shows the best `top` findings, as a user's scan would: all
    # 80,000 of the whole kernel's take 7 s to print alone.
    argv = [lg, "scan", "--compdb", compdb, "--root", root, "--db", db,
            "-j", str(jobs), "--no-progress", "--format", "summary",
            "--top", str(top)]
    if full:
        argv.append("--full")
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as err:
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err,
                             text=True)
        # This process and the workers it waited for.
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - start
        err.seek(0)
        stderr = err.read()
    cpu = ru.ru_utime + ru.ru_stime
    line = [l for l in stderr.splitlines() if "translation units" in l]
    q = subprocess.run([lg, "query", "--db", db,
                        "SELECT max(peak_kb), count(*) FROM tu"],
                       capture_output=True, text=True)
    peak_worker, tus = (q.stdout.splitlines()[1].split("\t")
                        if q.returncode == 0 else ("0", "0"))
    return {"wall": wall, "cpu": cpu, "exit": os.waitstatus_to_exitcode(status),
            "peak_kb": ru.ru_maxrss,
            "summary": line[-1] if line else stderr.strip()[-300:],
            "peak_worker_kb": int(peak_worker or 0),
            "db_bytes": os.path.getsize(db) if os.path.exists(db) else 0}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--compdb", required=True)
    ap.add_argument("--root", default=None)
    ap.add_argument("-j", type=int, default=os.cpu_count())
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--touch", default=None,
                    help="file (relative to root) changed for the re-scan")
    ap.add_argument("--lockgraph", default=os.path.join(
        os.path.dirname(__file__), "..", "build", "tool", "lockgraph"))
    ap.add_argument("--db", default=None)
    ap.add_argument("--top", type=int, default=10,
                    help="findings each scan reports (0: all)")
    ap.add_argument("--rescans-only", action="store_true",
                    help="only the one-file re-scans, on an existing --db "
                         "scanned from the same compile commands")
    a = ap.parse_args()
    if a.rescans_only and not (a.db and os.path.exists(a.db)):
        ap.error("--rescans-only needs an existing --db")
    entries = json.load(open(a.compdb))
    if a.only:
        entries = [e for e in entries
                   if any(e["file"].startswith(p) for p in a.only)]
    root = a.root or os.path.dirname(os.path.abspath(a.compdb))
    work = tempfile.mkdtemp(prefix="lockgraph-bench-")
    sub = os.path.join(work, "compile_commands.json")
    json.dump(entries, open(sub, "w"))
    db = a.db or os.path.join(work, "bench.db")
    print(f"machine: {os.cpu_count()} cores; {len(entries)} TUs; -j {a.j}; "
          f"--top {a.top}")
    if not a.rescans_only:
        full_scan(a, entries, sub, root, db)
    rescans(a, entries, sub, root, db)

def full_scan(a, entries, sub, root, db):
    s = syntax_only(entries, a.j)
    print(f"clang-19 -fsyntax-only: wall {s['wall']:.1f} s, cpu {s['cpu']:.1f} s, "
          f"peak {s['peak_kb'] / 1024:.0f} MiB per process, {s['failed']} failed")
    l = lockgraph_scan(a.lockgraph, sub, root, db, a.j, True, a.top)
    print(f"lockgraph full scan:    wall {l['wall']:.1f} s, cpu {l['cpu']:.1f} s, "
          f"peak {l['peak_worker_kb'] / 1024:.0f} MiB per worker, "
          f"{l['peak_kb'] / 1024:.0f} MiB in the largest process, "
          f"database {l['db_bytes'] / 2**20:.1f} MiB, exit {l['exit']}")
    print(f"  {l['summary']}")
    print(f"ratio scan/syntax-only: wall {l['wall'] / s['wall']:.2f}, "
          f"cpu {l['cpu'] / s['cpu']:.2f}")

def rescans(a, entries, sub, root, db):
    touch = a.touch or entries[0]["file"]
    path = touch if os.path.isabs(touch) else os.path.join(root, touch)
    original = open(path, "rb").read()
    e = [x for x in entries if x["file"] == touch or
         os.path.join(x["directory"], x["file"]) == path]
    one = syntax_only(e, 1) if e else {"wall": 0.0}
    print(f"{touch}: syntax-only parse {one['wall']:.1f} s")
    edits = [("comment appended", original + b"\n/* lockgraph benchmark edit */\n"),
             ("line inserted at the top", b"/* lockgraph benchmark edit */\n" + original),
             ("function added at the end", original +
              b"\nvoid lockgraph_bench_edit(void);\n"
              b"void lockgraph_bench_edit(void) { might_sleep(); }\n")]
    try:
        for what, text in edits:
            open(path, "wb").write(text)
            r = lockgraph_scan(a.lockgraph, sub, root, db, a.j, False, a.top)
            print(f"one-file re-scan, {what}: wall {r['wall']:.1f} s, "
                  f"peak {r['peak_kb'] / 1024:.0f} MiB")
            print(f"  {r['summary']}")
            open(path, "wb").write(original)
    finally:
        open(path, "wb").write(original)
    # Leave the tree's TU hashes as they were.
    lockgraph_scan(a.lockgraph, sub, root, db, a.j, False, a.top)

if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Merges the JMH JSON (jgrad and DJL) and torch_bench.py's JSON lines into one markdown table:
workload | jgrad | best peer (which) | ratio | target | met?  (standard library only).
With --runs DIR..., one table over several runs of bench/run.sh: each row's ratio in every run and
their median (the issue's "medians of several runs, the ratio taken within one run").

ratio is always jgrad's speed-up over the peer (peer time / jgrad time; for matmul the same as
jgrad GFLOP/s / peer GFLOP/s), so higher is better and each target is a lower bound on it. The
one exception is the MLP "(forward+backward) / forward" row, which is jgrad's own ratio.
"""
import argparse
import glob
import json
import os
import statistics
import sys

# JMH class.method -> (workload, impl)
JMH_WORKLOADS = {
    "ElementwiseChainBench.jgradForward": ("chain_fwd", "jgrad"),
    "ElementwiseChainBench.djlForward": ("chain_fwd", "djl"),
    "ElementwiseChainBench.jgradForwardBackward": ("chain_fwdbwd", "jgrad"),
    "ElementwiseChainBench.djlForwardBackward": ("chain_fwdbwd", "djl"),
    "ElementwiseChainBench.jgradForwardMode": ("chain_fwdmode", "jgrad"),
    "SmallTensorChainBench.jgradForward": ("small_chain_fwd", "jgrad"),
    "SmallTensorChainBench.djlForward": ("small_chain_fwd", "djl"),
    "SmallTensorChainBench.jgradForwardBackward": ("small_chain_fwdbwd", "jgrad"),
    "SmallTensorChainBench.djlForwardBackward": ("small_chain_fwdbwd", "djl"),
    "ScalarGraphBench.jgradForward": ("scalar_graph_fwd", "jgrad"),
    "ScalarGraphBench.djlForward": ("scalar_graph_fwd", "djl"),
    "ScalarGraphBench.jgradForwardBackward": ("scalar_graph_fwdbwd", "jgrad"),
    "ScalarGraphBench.djlForwardBackward": ("scalar_graph_fwdbwd", "djl"),
    "MlpBench.jgradStep": ("mlp_step", "jgrad"),
    "MlpBench.djlStep": ("mlp_step", "djl"),
    "MlpBench.jgradForward": ("mlp_fwd", "jgrad"),
    "MlpBench.djlForward": ("mlp_fwd", "djl"),
    "HvpBench.jgrad": ("hvp", "jgrad"),
    "ActivationBench.jgradForward": ("act_fwd", "jgrad"),
    "ActivationBench.jgradForwardBackward": ("act_fwdbwd", "jgrad"),
    "OpsBench.jgradForward": ("ops_fwd", "jgrad"),
    "OpsBench.jgradForwardBackward": ("ops_fwdbwd", "jgrad"),
    "Matmul1ThreadBench.jgrad": ("matmul", "jgrad"),
    "Matmul1ThreadBench.djl": ("matmul", "djl"),
    "Matmul2ThreadsBench.jgrad": ("matmul", "jgrad"),
    "Matmul2ThreadsBench.djl": ("matmul", "djl"),
    "Matmul1ThreadBench.jgradReleased": ("matmul", "jgrad_released"),
    "Matmul2ThreadsBench.jgradReleased": ("matmul", "jgrad_released"),
}


def key(workload, params):
    """Identity of one measurement, whichever side produced it: workload plus dtype (and n and
    threads for matmul), values as strings."""
    names = ("n", "dtype", "threads") if workload == "matmul" else (
        ("op", "dtype") if workload.startswith("act_") else (("op",) if workload.startswith("ops_") else ("dtype",)))
    return workload, tuple((k, str(params[k])) for k in names if k in params)


def load_jmh(path, times):
    try:
        with open(path) as f:
            results = json.load(f)
    except (OSError, ValueError) as e:
        print(f"report.py: no JMH results ({e}); jgrad and DJL columns stay empty", file=sys.stderr)
        return
    for r in results:
        short = ".".join(r["benchmark"].split(".")[-2:])
        if short not in JMH_WORKLOADS:
            print(f"report.py: unknown JMH benchmark {r['benchmark']} ignored", file=sys.stderr)
            continue
        workload, impl = JMH_WORKLOADS[short]
        params = dict(r.get("params", {}))
        if workload == "matmul":
            params["threads"] = "1" if short.startswith("Matmul1Thread") else "2"
        elif workload.startswith(("small_chain", "mlp")):
            params["dtype"] = "float32"
        elif workload.startswith("scalar_graph") or workload == "hvp":
            params["dtype"] = "float64"
        # Median of every measured iteration of every fork (JMH's score is their mean).
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        if r["primaryMetric"]["scoreUnit"] != "ns/op":
            raise SystemExit(f"report.py: {r['benchmark']} is in {r['primaryMetric']['scoreUnit']}, expected ns/op")
        times.setdefault(key(workload, params), {})[impl] = statistics.median(raw)


def load_python(path, times, config):
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            if "config" in row:
                config.append(row["config"])
                continue
            times.setdefault(key(row["workload"], row["params"]), {})[row["impl"]] = row["median_ns"]


def fmt_time(ns, per_op):
    if ns is None:
        return "—"
    if per_op or ns < 1e5:
        return f"{ns / 1e3:.2f} µs" + ("/op" if per_op else "")
    return f"{ns / 1e6:.2f} ms"


def gflops(n, ns):
    return 2.0 * n ** 3 / ns


def rows(times):
    """(label, jgrad text, peer text, ratio, target text, target bound) for every row of issue 4's table."""
    out = []

    def best(k, peers):
        found = {p: times.get(k, {}).get(p) for p in peers}
        found = {p: t for p, t in found.items() if t is not None}
        if not found:
            return None, None
        name = min(found, key=found.get)
        return name, found[name]

    for threads in ("1", "2"):
        for n in ("16", "64", "256", "1024"):
            for dtype in ("float32", "float64"):
                k = key("matmul", {"n": n, "dtype": dtype, "threads": threads})
                jg = times.get(k, {}).get("jgrad")
                big = n in ("256", "1024")
                # Large sizes are judged against OpenBLAS (numpy) itself; small ones against the best peer.
                peer, pt = best(k, ["numpy"] if big else ["numpy", "torch", "djl"])
                bound = 0.9 if big else 1.0
                target = "≥ 0.9 × OpenBLAS GFLOP/s" if big else "no slower than best peer"
                out.append((f"matmul n={n} {dtype} {threads} thread{'s' if threads == '2' else ''}",
                            f"{gflops(int(n), jg):.2f} GFLOP/s" if jg else "—",
                            f"{gflops(int(n), pt):.2f} GFLOP/s ({label(peer)})" if pt else "—",
                            pt / jg if jg and pt else None, target, bound))
        # The same products with each result released (Tensor.release()), so the next one reuses its
        # array as the peers' allocators reuse theirs: beside the table, against the same peers.
        for n in ("16", "64", "256", "1024"):
            for dtype in ("float32", "float64"):
                k = key("matmul", {"n": n, "dtype": dtype, "threads": threads})
                jr = times.get(k, {}).get("jgrad_released")
                if jr is None:
                    continue
                big = n in ("256", "1024")
                peer, pt = best(k, ["numpy"] if big else ["numpy", "torch", "djl"])
                out.append((f"matmul n={n} {dtype} {threads} thread{'s' if threads == '2' else ''}, result released (info)",
                            f"{gflops(int(n), jr):.2f} GFLOP/s",
                            f"{gflops(int(n), pt):.2f} GFLOP/s ({label(peer)})" if pt else "—",
                            pt / jr if pt else None, "(no target; the row without release has it)", None))
    for workload, what in (("chain_fwd", "forward"), ("chain_fwdbwd", "forward+backward"), ("chain_fwdmode", "forward mode")):
        for dtype in ("float32", "float64"):
            k = key(workload, {"dtype": dtype})
            jg = times.get(k, {}).get("jgrad")
            peer, pt = best(k, ["torch", "djl"])
            out.append((f"chain 10M {dtype} {what}", fmt_time(jg, False),
                        f"{fmt_time(pt, False)} ({label(peer)})" if pt else "—",
                        pt / jg if jg and pt else None, "≤ 0.5 × PyTorch time (≥ 2×)", 2.0))
    for workload, what, ops in (("small_chain_fwd", "4×4 chain of 1000, forward", 1000),
                                ("small_chain_fwdbwd", "4×4 chain of 1000, forward+backward", 1000),
                                ("scalar_graph_fwd", "0-d graph of 10k ops, forward (info)", 10002),
                                ("scalar_graph_fwdbwd", "0-d graph of 10k ops, forward+backward", 10002)):
        k = key(workload, {"dtype": "float64" if "scalar" in workload else "float32"})
        jg = times.get(k, {}).get("jgrad")
        peer, pt = best(k, ["torch", "djl"])
        info = workload == "scalar_graph_fwd"
        out.append((what, fmt_time(jg / ops if jg else None, True),
                    f"{fmt_time(pt / ops, True)} ({label(peer)})" if pt else "—",
                    pt / jg if jg and pt else None, "(no target)" if info else "≥ 10× faster per op",
                    None if info else 10.0))
    k = key("mlp_step", {"dtype": "float32"})
    jg = times.get(k, {}).get("jgrad")
    peer, pt = best(k, ["torch", "djl"])
    out.append(("MLP 784-256-256-10 b128 f32, SGD step", fmt_time(jg, False),
                f"{fmt_time(pt, False)} ({label(peer)})" if pt else "—",
                pt / jg if jg and pt else None, "≤ 1.0 × best peer time", 1.0))
    kf = key("mlp_fwd", {"dtype": "float32"})
    own = {impl: times.get(k, {}).get(impl) / times.get(kf, {}).get(impl)
           for impl in ("jgrad", "torch", "djl") if times.get(k, {}).get(impl) and times.get(kf, {}).get(impl)}
    peers = ", ".join(f"{label(i)} {v:.2f}" for i, v in own.items() if i != "jgrad") or "—"
    jr = own.get("jgrad")
    out.append(("MLP (forward+backward+update) / forward", f"{jr:.2f}" if jr else "—", peers,
                jr, "≤ 3 (jgrad's own ratio)", "own≤3"))
    k = key("hvp", {"dtype": "float64"})
    jg = times.get(k, {}).get("jgrad")
    peer, pt = best(k, ["torch"])
    out.append(("Hessian-vector product, sum(tanh(Ax)), A 512×512 f64", fmt_time(jg, False),
                f"{fmt_time(pt, False)} ({label(peer)})" if pt else "—",
                pt / jg if jg and pt else None, "≤ 1.0 × PyTorch time", 1.0))
    for op in ("gelu", "silu", "sigmoid", "softplus"):
        for workload, what in (("act_fwd", "forward"), ("act_fwdbwd", "forward+backward")):
            k = key(workload, {"op": op, "dtype": "float32"})
            jg = times.get(k, {}).get("jgrad")
            peer, pt = best(k, ["torch"])
            out.append((f"{op} 1M f32 {what} (info)", fmt_time(jg, False),
                        f"{fmt_time(pt, False)} ({label(peer)})" if pt else "—",
                        pt / jg if jg and pt else None, "(no target)", None))
    for op in ("softmax", "logSoftmax", "logsumexp", "norm", "transposeCopy", "pow", "max", "addTransposed", "sumColumns", "softmaxColumns"):
        for workload, what in (("ops_fwd", "forward"), ("ops_fwdbwd", "forward+backward")):
            k = key(workload, {"op": op})
            jg = times.get(k, {}).get("jgrad")
            peer, pt = best(k, ["torch"])
            out.append((f"{op} 1024×1024 f32 {what} (info)", fmt_time(jg, False),
                        f"{fmt_time(pt, False)} ({label(peer)})" if pt else "—",
                        pt / jg if jg and pt else None, "(no target)", None))
    return out


def label(impl):
    return {"numpy": "numpy/OpenBLAS", "torch": "PyTorch (Python)", "djl": "PyTorch via DJL"}.get(impl, impl)


def table(times):
    lines = ["| workload | jgrad | best peer (which) | ratio | target | met? |", "| --- | --- | --- | --- | --- | --- |"]
    for name, jg, peer, ratio, target, bound in rows(times):
        if ratio is None:
            met, ratio_text = "not measured", "—"
        elif bound == "own≤3":
            met, ratio_text = ("yes" if ratio <= 3 else "no"), f"{ratio:.2f}"
        elif bound is None:
            met, ratio_text = "—", f"{ratio:.2f}×"
        else:
            met, ratio_text = ("yes" if ratio >= bound else "no"), f"{ratio:.2f}×"
        lines.append(f"| {name} | {jg} | {peer} | {ratio_text} | {target} | {met} |")
    return "\n".join(lines)


def load_run(directory):
    """(times, meta lines) of one run directory written by run.sh."""
    times, config = {}, []
    for p in sorted(glob.glob(os.path.join(directory, "jmh-*.json"))):
        load_jmh(p, times)
    for p in sorted(glob.glob(os.path.join(directory, "torch-*.jsonl"))):
        load_python(p, times, config)
    try:
        with open(os.path.join(directory, "meta.md")) as f:
            meta = [line.rstrip() for line in f if line.strip()]
    except OSError:
        meta = []
    return times, meta


def median_table(directories):
    """One row per workload: each run's ratio (taken within that run), their median, and whether the
    median meets the target; an own-ratio row (MLP step / forward) is met when its median is ≤ 3."""
    runs = [rows(load_run(d)[0]) for d in directories]
    header = ", ".join(os.path.basename(os.path.normpath(d)) for d in directories)
    lines = [f"| workload | ratio in each run ({header}) | median | target | met? |",
             "| --- | --- | --- | --- | --- |"]
    # Rows by name: runs made before a row existed (e.g. the released-result matmul rows) lack it.
    by_name = [{row[0]: row[3] for row in run} for run in runs]
    for name, _, _, _, target, bound in max(runs, key=len):
        ratios = [r.get(name) for r in by_name]
        own = bound == "own≤3"
        text = ", ".join("—" if r is None else (f"{r:.2f}" if own else f"{r:.2f}×") for r in ratios)
        measured = [r for r in ratios if r is not None]
        if not measured:
            lines.append(f"| {name} | {text} | — | {target} | not measured |")
            continue
        med = statistics.median(measured)
        if own:
            met = "yes" if med <= 3 else "no"
        elif bound is None:
            met = "—"
        else:
            met = "yes" if med >= bound else "no"
        misses = ""
        if bound is not None and met != "—":
            missed = sum(1 for r in measured if (r > 3 if own else r < bound))
            misses = f" ({missed} of {len(measured)} runs missed)" if missed else ""
        med_text = f"{med:.2f}" if own else f"{med:.2f}×"
        lines.append(f"| {name} | {text} | {med_text} | {target} | {met}{misses} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jmh", nargs="+", help="JMH result files (-rf json)")
    parser.add_argument("--python", nargs="+", help="torch_bench.py outputs (JSON lines)")
    parser.add_argument("--meta", help="machine/JDK/date notes (markdown) printed above the table")
    parser.add_argument("--runs", nargs="+", metavar="DIR",
                        help="run directories of bench/run.sh: print each row's ratio in every run and their median")
    args = parser.parse_args()
    if args.runs:
        for d in args.runs:
            meta = load_run(d)[1]
            date = next((m for m in meta if m.startswith("- Date:")), "- Date: ?")[len("- Date: "):]
            load = [m.split(": ", 1)[1] for m in meta if m.startswith("- Load average")]
            print(f"- {os.path.basename(os.path.normpath(d))}: {date}; load average {' → '.join(load) or '?'}")
        first = load_run(args.runs[0])[1]
        for m in first:
            if m.startswith(("- Machine:", "- JDK:")):
                print(m)
        print()
        print("ratio = jgrad's speed-up over the best peer, taken within each run (see each run's table.md); "
              "the median is over the runs.\n")
        print(median_table(args.runs))
        return 0
    if not args.jmh or not args.python:
        parser.error("--jmh and --python are required (or --runs)")
    times, config = {}, []
    for p in args.jmh:
        load_jmh(p, times)
    for p in args.python:
        load_python(p, times, config)
    # One line per distinct Python setup (a full run starts the script once per group).
    config = [json.loads(c) for c in dict.fromkeys(json.dumps(c, sort_keys=True) for c in config)]
    if args.meta:
        with open(args.meta) as f:
            print(f.read().rstrip() + "\n")
    for c in config:
        print(f"- Python peers ({c['threads']} thread{'s' if c['threads'] > 1 else ''}): torch {c['torch']}, "
              f"numpy {c['numpy']}, libraries mapped: {', '.join(c.get('native_libs', []))}")
    print()
    print("ratio = jgrad's speed-up over the peer (peer time / jgrad time; for matmul jgrad GFLOP/s / peer "
          "GFLOP/s), higher is better; medians over all measured iterations of all forks (JMH) or repetitions "
          "(Python).\n")
    print(table(times))
    return 0


if __name__ == "__main__":
    sys.exit(main())

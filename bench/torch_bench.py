#!/usr/bin/python3
"""PyTorch and numpy/OpenBLAS counterparts of the jgrad-bench JMH rows (see bench/README.md).

Prints one JSON object per line: workload, impl, params, median_ns (median over repetitions of
the time of one call), and per_op_ns for the per-op rows. Thread count is fixed per process
(--threads, with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS set by bench/run.sh before start-up).
"""
import argparse
import ctypes
import json
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torch.autograd.forward_ad as fwAD

DTYPES = {"float32": (torch.float32, np.float32), "float64": (torch.float64, np.float64)}
CHAIN_SIZE = 10_000_000
SMALL_OPS = 1000
SCALAR_STEPS = 3334
SCALAR_OPS = 3 * SCALAR_STEPS


class Timer:
    def __init__(self, warmup, reps, min_time):
        self.warmup, self.reps, self.min_time = warmup, reps, min_time

    def median_ns(self, fn):
        """Median over repetitions of the time per call; each repetition runs enough calls to
        last min_time seconds (after warm-up calls, which also size the batch)."""
        for _ in range(self.warmup):
            fn()
        t0 = time.perf_counter_ns()
        fn()
        one = max(time.perf_counter_ns() - t0, 1)
        calls = max(1, int(self.min_time * 1e9 / one))
        samples = []
        for _ in range(self.reps):
            t0 = time.perf_counter_ns()
            for _ in range(calls):
                fn()
            samples.append((time.perf_counter_ns() - t0) / calls)
        return statistics.median(samples)


def emit(workload, impl, params, median_ns, ops=None):
    row = {"workload": workload, "impl": impl, "params": params, "median_ns": median_ns}
    if ops:
        row["per_op_ns"] = median_ns / ops
        row["ops"] = ops
    print(json.dumps(row), flush=True)


def bench_matmul(timer, threads):
    rng = np.random.default_rng(1)
    for n in (16, 64, 256, 1024):
        for name, (tdt, ndt) in DTYPES.items():
            a = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(ndt)
            b = rng.standard_normal((n, n)).astype(ndt)
            params = {"n": n, "dtype": name, "threads": threads}
            emit("matmul", "numpy", params, timer.median_ns(lambda: a @ b))
            ta, tb = torch.from_numpy(a), torch.from_numpy(b)
            with torch.no_grad():
                emit("matmul", "torch", params, timer.median_ns(lambda: ta @ tb))


def chain(x):
    return torch.tanh(torch.exp(torch.sin(x)) * x + 1)


def bench_chain(timer):
    rng = np.random.default_rng(3)
    base64 = rng.uniform(-2, 2, CHAIN_SIZE)
    for name, (tdt, _) in DTYPES.items():
        x = torch.tensor(base64, dtype=tdt)
        params = {"dtype": name, "n": CHAIN_SIZE}

        def forward():
            with torch.no_grad():
                return chain(x)

        def forward_backward():
            leaf = x.detach().requires_grad_()
            chain(leaf).sum().backward()
            return leaf.grad

        ones = torch.ones_like(x)

        def forward_mode():
            with fwAD.dual_level():
                y = chain(fwAD.make_dual(x, ones))
                return fwAD.unpack_dual(y).tangent

        # Same maths as reverse mode: for an element-wise chain, the JVP with ones is dL/dx of sum(y).
        assert torch.allclose(forward_mode(), forward_backward(), rtol=1e-4, atol=1e-5), "forward vs reverse mode"
        emit("chain_fwd", "torch", params, timer.median_ns(forward))
        emit("chain_fwdbwd", "torch", params, timer.median_ns(forward_backward))
        emit("chain_fwdmode", "torch", params, timer.median_ns(forward_mode))


ACT_SIZE = 1 << 20
ACTIVATIONS = {
    "gelu": lambda v: torch.nn.functional.gelu(v, approximate="tanh"),
    "silu": torch.nn.functional.silu,
    "sigmoid": torch.sigmoid,
    "softplus": torch.nn.functional.softplus,
}


def bench_activations(timer):
    """ActivationBench's counterparts: 2^20 float32 elements uniform in [-4, 4]; forward under
    no-grad, forward+backward from a fresh leaf with a seed of ones (built inside the call, as
    jgrad's backward() builds its own, and like it one element broadcast to y's shape)."""
    x = torch.tensor(np.random.default_rng(5).uniform(-4, 4, ACT_SIZE), dtype=torch.float32)
    for op, f in ACTIVATIONS.items():
        params = {"op": op, "dtype": "float32"}

        def forward():
            with torch.no_grad():
                return f(x)

        def forward_backward():
            leaf = x.detach().requires_grad_()
            y = f(leaf)
            # Ones as one element expanded to y's shape (no memory per element), as jgrad's default seed.
            y.backward(torch.ones((), dtype=y.dtype).expand_as(y))
            return leaf.grad

        emit("act_fwd", "torch", params, timer.median_ns(forward))
        emit("act_fwdbwd", "torch", params, timer.median_ns(forward_backward))


OPS_N = 1024
OPS = {
    "softmax": lambda v: v.softmax(1),
    "logSoftmax": lambda v: v.log_softmax(1),
    "logsumexp": lambda v: v.logsumexp(1),
    "norm": lambda v: v.norm(),
    "transposeCopy": lambda v: v.t().contiguous(),
    "pow": lambda v: v.pow(2.5),
    # jgrad's max shares the gradient evenly among ties, as amax does (max(dim) picks one index).
    "max": lambda v: v.amax(1),
    "addTransposed": lambda v: v.t() + v,
    "sumColumns": lambda v: v.sum(0),
    "softmaxColumns": lambda v: v.softmax(0),
}


def bench_ops(timer):
    """OpsBench's counterparts: a 1024 x 1024 float32 tensor uniform in [-4, 4] (|x| for pow);
    forward under no-grad, forward+backward from a fresh leaf with a seed of ones expanded to y's
    shape."""
    base = torch.tensor(np.random.default_rng(7).uniform(-4, 4, (OPS_N, OPS_N)), dtype=torch.float32)
    for op, f in OPS.items():
        params = {"op": op, "dtype": "float32"}
        x = base.abs() if op == "pow" else base

        def forward():
            with torch.no_grad():
                return f(x)

        def forward_backward():
            leaf = x.detach().requires_grad_()
            y = f(leaf)
            y.backward(torch.ones((), dtype=y.dtype).expand_as(y))
            return leaf.grad

        emit("ops_fwd", "torch", params, timer.median_ns(forward))
        emit("ops_fwdbwd", "torch", params, timer.median_ns(forward_backward))


def small_chain(h, c, d, m):
    for i in range(SMALL_OPS):
        r = i % 3
        h = h + c if r == 0 else (h * d if r == 1 else h @ m)
    return h


def bench_small_chain(timer):
    rng = np.random.default_rng(11)
    m = rng.uniform(0.2, 0.3, (4, 4))
    m /= m.sum(axis=0, keepdims=True)  # columns sum to 1, as in SmallTensorChainBench
    leaves = [torch.tensor(v, dtype=torch.float32, requires_grad=True) for v in (
        rng.standard_normal((4, 4)), rng.uniform(-0.1, 0.1, (4, 4)), rng.uniform(0.9, 1.1, (4, 4)), m)]

    def forward():
        return small_chain(*leaves)

    def forward_backward():
        small_chain(*leaves).sum().backward()
        return leaves[3].grad

    emit("small_chain_fwd", "torch", {"dtype": "float32"}, timer.median_ns(forward), SMALL_OPS)
    emit("small_chain_fwdbwd", "torch", {"dtype": "float32"}, timer.median_ns(forward_backward), SMALL_OPS)


def scalar_graph(a, b, c):
    for _ in range(SCALAR_STEPS):
        a = a * b + torch.tanh(c)
    return a


def bench_scalar_graph(timer):
    a, b, c = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.3, 0.5, -0.2))

    def forward_backward():
        scalar_graph(a, b, c).backward()
        return b.grad

    emit("scalar_graph_fwd", "torch", {"dtype": "float64"}, timer.median_ns(lambda: scalar_graph(a, b, c)), SCALAR_OPS)
    emit("scalar_graph_fwdbwd", "torch", {"dtype": "float64"}, timer.median_ns(forward_backward), SCALAR_OPS)


def bench_mlp(timer):
    torch.manual_seed(0)
    widths = (784, 256, 256, 10)
    model = torch.nn.Sequential(
        torch.nn.Linear(widths[0], widths[1]), torch.nn.ReLU(),
        torch.nn.Linear(widths[1], widths[2]), torch.nn.ReLU(),
        torch.nn.Linear(widths[2], widths[3]))
    x = torch.randn(128, widths[0])
    labels = torch.randint(0, widths[3], (128,))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), labels)
        loss.backward()
        optimizer.step()
        return loss

    params = {"dtype": "float32", "batch": 128}
    emit("mlp_step", "torch", params, timer.median_ns(step))
    emit("mlp_fwd", "torch", params, timer.median_ns(lambda: F.cross_entropy(model(x), labels)))


def bench_hvp(timer):
    rng = np.random.default_rng(51)
    n = 512
    a = torch.tensor(rng.standard_normal((n, n)) / np.sqrt(n))
    x = torch.tensor(rng.standard_normal(n))
    v = torch.tensor(rng.standard_normal(n))

    def f(z):
        return torch.tanh(a @ z).sum()

    t = torch.tanh(a @ x)
    expected = a.T @ (-2 * t * (1 - t * t) * (a @ v))
    assert torch.allclose(torch.autograd.functional.hvp(f, x, v)[1], expected), "hvp known answer"
    emit("hvp", "torch", {"dtype": "float64", "n": n}, timer.median_ns(lambda: torch.autograd.functional.hvp(f, x, v)))


def native_libs():
    """The BLAS, OpenMP and allocator libraries really mapped into this process (the setup check)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "/" in line}
    libs = sorted(p for p in paths if any(k in p for k in ("blas", "lapack", "gomp", "tcmalloc")))
    try:
        openblas = ctypes.CDLL("libopenblas.so.0")
        for fn in ("openblas_get_config", "openblas_get_corename"):
            getattr(openblas, fn).restype = ctypes.c_char_p
            libs.append(getattr(openblas, fn)().decode())
    except OSError:
        libs.append("libopenblas.so.0 not loadable")
    return libs


# --only groups, in the order of a full run (bench/run.sh runs each right after its JMH classes).
GROUPS = {"matmul": None, "chain": bench_chain, "small_chain": bench_small_chain, "scalar_graph": bench_scalar_graph,
          "mlp": bench_mlp, "hvp": bench_hvp, "activations": bench_activations, "ops": bench_ops}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--only", default="all",
                        help="comma-separated groups to run (default all): " + ", ".join(GROUPS))
    parser.add_argument("--quick", action="store_true", help="fewer and shorter repetitions (smoke test)")
    args = parser.parse_args()
    groups = list(GROUPS) if args.only == "all" else args.only.split(",")
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        parser.error(f"--only: unknown group(s) {', '.join(unknown)}; expected some of {', '.join(GROUPS)} or all")
    torch.set_num_threads(args.threads)
    timer = Timer(warmup=2, reps=3, min_time=0.05) if args.quick else Timer(warmup=5, reps=9, min_time=0.3)
    print(json.dumps({"config": {"torch": torch.__version__, "numpy": np.__version__, "threads": args.threads,
                                 "torch_threads": torch.get_num_threads(), "quick": args.quick,
                                 "native_libs": native_libs()}}), flush=True)
    for g in groups:
        if g == "matmul":
            bench_matmul(timer, args.threads)
        else:
            GROUPS[g](timer)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Runs every benchmark of issue 4 and prints one table: jgrad and PyTorch-through-DJL in JMH, the
# Python PyTorch / numpy-OpenBLAS counterparts, then bench/report.py. A full run goes group by group
# (e.g. the MLP's JMH class, then the MLP in Python), so both sides of a row are measured close together.
#   bench/run.sh           full run (JMH 2 forks x (4 warm-up + 5 measured) iterations; ~30 minutes on 2 cores)
#   bench/run.sh --quick   smoke test: 1 fork, 2 warm-up + 2 short iterations, fewer Python repetitions
# Extra arguments after the options go to JMH (e.g. a benchmark regex: bench/run.sh --quick Mlp); then
# those benchmarks run first and every Python row after them.
# Results land in jgrad-bench/target/bench-results/<UTC time>/ (jmh-*.json, torch-*.jsonl, table.md).
#   bench/run.sh --runs N [options]   N runs one after the other, then one table of every row's ratio
#                                     in each run and their median (bench-results/median-<UTC time>.md)
#   bench/run.sh --groups A,B         only these groups of the full run (JMH class names, e.g.
#                                     ElementwiseChainBench), each still followed at once by its Python
#                                     rows; the other rows say "not measured"
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results="$root/jgrad-bench/target/bench-results"

if [[ "${1:-}" == "--runs" ]]; then
  count="${2:-}"
  [[ "$count" =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs needs a positive count, got '${count}'" >&2; exit 1; }
  shift 2
  dirs=()
  status=0
  for ((i = 1; i <= count; i++)); do
    dir="$results/$(date -u +%Y%m%dT%H%M%SZ)"
    echo "== run $i of $count: $dir" >&2
    BENCH_RESULTS_DIR="$dir" bash "${BASH_SOURCE[0]}" "$@" > /dev/null || status=1
    dirs+=("$dir")
  done
  /usr/bin/python3 "$root/bench/report.py" --runs "${dirs[@]}" | tee "$results/median-$(date -u +%Y%m%dT%H%M%SZ).md"
  exit "$status"
fi

quick=false
only_groups=""
while [[ "${1:-}" == "--quick" || "${1:-}" == "--groups" ]]; do
  if [[ "$1" == "--quick" ]]; then
    quick=true
    shift
  else
    only_groups="${2:-}"
    [[ -n "$only_groups" ]] || { echo "run.sh: --groups needs a comma-separated list of benchmark classes" >&2; exit 1; }
    shift 2
  fi
done

cd "$root"

# The JDK 25 that ./mvnw and the build use (same search as mvnw).
java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
if [[ "$(java_major "$java_cmd" 2>/dev/null || echo 0)" -lt 25 ]]; then
  java_cmd=""
  for jdk in /usr/lib/jvm/*25* /usr/lib/jvm/*-2[6-9]* /opt/java/*25*; do
    if [[ -x "$jdk/bin/java" ]]; then java_cmd="$jdk/bin/java"; break; fi
  done
  [[ -n "$java_cmd" ]] || { echo "run.sh: no JDK 25+ found (set JAVA_HOME)" >&2; exit 1; }
fi

# Python peers as the issue sets them up: OpenBLAS's OpenMP build first on the library path,
# tcmalloc preloaded.
openblas_dir=/usr/lib/x86_64-linux-gnu/openblas-openmp
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
if [[ ! -e "$openblas_dir/libopenblas.so.0" || ! -e "$tcmalloc" ]] \
    || ! /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
  echo "run.sh: the Python peers are missing; installing them (Debian packages)" >&2
  if [[ "$(id -u)" -ne 0 ]]; then
    echo "run.sh: run as root, or: apt-get install -y python3-torch python3-numpy libopenblas0-openmp libtcmalloc-minimal4" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch python3-numpy libopenblas0-openmp libtcmalloc-minimal4
fi

out="${BENCH_RESULTS_DIR:-$results/$(date -u +%Y%m%dT%H%M%SZ)}"
echo "== building the benchmarks jar" >&2
./mvnw -q -Pbench -DskipTests package
mkdir -p "$out" "$root/jgrad-bench/target/djl-cache"

{
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n 1), $(nproc) cores ($(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s) per core), $(free -g | awk '/^Mem:/ {print $2}') GiB"
  echo "- JDK: $("$java_cmd" -version 2>&1 | head -n 2 | tr '\n' ' ')"
  echo "- Mode: $([[ $quick == true ]] && echo 'quick (smoke test: 1 fork, 2 iterations — noisy)' || echo 'full (2 forks x 5 measured iterations after 4 s of warm-up, 10 s for the MLP)')$([[ $# -gt 0 ]] && echo "; JMH subset: $*, then every Python row" || echo '; each group of JMH classes followed at once by its Python rows')$([[ -n $only_groups ]] && echo "; only the groups $only_groups")"
  echo "- Load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
} > "$out/meta.md"

# DJL runs offline from the native jar on the classpath, extracting it under target/.
export DJL_OFFLINE=true
export DJL_CACHE_DIR="$root/jgrad-bench/target/djl-cache"
export ENGINE_CACHE_DIR="$DJL_CACHE_DIR"

jmh_opts=()
if [[ $quick == true ]]; then
  jmh_opts+=(-f 1 -wi 2 -w 1s -i 2 -r 500ms)
fi
: > "$out/jmh.log"
run_jmh() {  # result file, JMH arguments (benchmark regexes, options)
  local file="$1"
  shift
  "$java_cmd" -jar jgrad-bench/target/benchmarks.jar -rf json -rff "$file" "${jmh_opts[@]}" "$@" 2>&1 \
    | tee -a "$out/jmh.log" | grep -E '^(# Benchmark:|# Parameters:|Result|<failure>)' >&2 || true
}

py_opts=()
[[ $quick == true ]] && py_opts+=(--quick)
run_python() {  # threads, output file, extra options
  local threads="$1" file="$2"
  shift 2
  # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some machines for old OpenBLAS builds) slow a
  # current one: unset for this command only; the kernel OpenBLAS picks is recorded in the output.
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    LD_PRELOAD="$tcmalloc" LD_LIBRARY_PATH="$openblas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" \
    /usr/bin/python3 bench/torch_bench.py --threads "$threads" "${py_opts[@]}" "$@" > "$file"
}

if [[ $# -gt 0 ]]; then
  # A subset chosen by JMH arguments: those benchmarks, then every Python row.
  echo "== JMH: jgrad and DJL (log: $out/jmh.log)" >&2
  run_jmh "$out/jmh-subset.json" "$@"
  echo "== Python: PyTorch and numpy/OpenBLAS, 1 thread (matmul rows)" >&2
  run_python 1 "$out/torch-1-matmul.jsonl" --only matmul
  echo "== Python: PyTorch and numpy/OpenBLAS, 2 threads (every row)" >&2
  run_python 2 "$out/torch-2-all.jsonl"
else
  # Full run, interleaved: each group of JMH classes (jgrad and DJL), then at once the same rows in
  # Python, so the two sides of a row are measured minutes apart rather than most of the run apart
  # (these 2-core machines have slow phases lasting minutes). Group: JMH class | threads | Python groups.
  groups=(
    "Matmul1ThreadBench|1|matmul"
    "Matmul2ThreadsBench|2|matmul"
    "ElementwiseChainBench|2|chain"
    "SmallTensorChainBench|2|small_chain"
    "ScalarGraphBench|2|scalar_graph"
    "MlpBench|2|mlp"
    "HvpBench|2|hvp"
    "ActivationBench|2|activations"
    "OpsBench|2|ops"
  )
  # Every benchmark class must be in a group (a class left out would just be missing from the table).
  covered="$(printf '%s\n' "${groups[@]}" | cut -d '|' -f 1 | sort -u)"
  listed="$("$java_cmd" -jar jgrad-bench/target/benchmarks.jar -l | sed -n 's/^dev\.jgrad\.bench\.\([A-Za-z0-9]*\)\..*/\1/p' | sort -u)"
  missing="$(comm -13 <(echo "$covered") <(echo "$listed"))"
  if [[ -n "$missing" ]]; then
    echo "run.sh: benchmark classes in no group of run.sh: $missing" >&2
    exit 1
  fi
  if [[ -n "$only_groups" ]]; then
    IFS=',' read -r -a wanted <<< "$only_groups"
    for w in "${wanted[@]}"; do
      grep -qx "$w" <<< "$covered" || { echo "run.sh: --groups: no group '$w' (groups: $(echo $covered))" >&2; exit 1; }
    done
  fi
  for g in "${groups[@]}"; do
    IFS='|' read -r classes threads pygroups <<< "$g"
    if [[ -n "$only_groups" && ",$only_groups," != *",$classes,"* ]]; then
      continue
    fi
    echo "== JMH: $classes (jgrad and DJL; log: $out/jmh.log)" >&2
    run_jmh "$out/jmh-$classes.json" "^dev\.jgrad\.bench\.$classes\."
    echo "== Python: $pygroups, $threads thread(s)" >&2
    run_python "$threads" "$out/torch-$threads-$classes.jsonl" --only "$pygroups"
  done
fi

echo "- Load average at end: $(cut -d ' ' -f 1-3 /proc/loadavg)" >> "$out/meta.md"
/usr/bin/python3 bench/report.py --jmh "$out"/jmh-*.json --python "$out"/torch-*.jsonl \
  --meta "$out/meta.md" | tee "$out/table.md"

if grep -q '<failure>' "$out/jmh.log"; then
  echo "run.sh: some JMH benchmarks FAILED (see $out/jmh.log); their rows say 'not measured'" >&2
  exit 1
fi

#!/usr/bin/env bash
# Side-by-side HDBSCAN benchmark: motif vs scikit-learn-contrib/hdbscan,
# whole processes, alternating, medians of wall and CPU (user+sys) seconds.
#
#   [PYTHON=python3] [SWEEP_RUNS=1] bench/hdbscan/run.sh WORKDIR HDBSCAN_CHECKOUT [RUNS]
#
# WORKDIR receives the layout (made once by layout.py with umap-learn),
# labels and logs. HDBSCAN_CHECKOUT is a built checkout of
# scikit-learn-contrib/hdbscan (python3 setup.py build_ext --inplace).
set -euo pipefail
work=${1:?workdir}; ref=${2:?hdbscan checkout}; runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
layout=$work/fmnist_umap.f32
[ -s "$layout" ] || ${PYTHON:-python3} "$here/layout.py" "$layout"
(cd "$here/../.." && go build -o "$work/motif-hdbscan-bench" ./bench/hdbscan)

TIMEFORMAT='%R %U %S'
measure() { # label command... ; appends "label wall cpu" to $work/times
  local t
  t=$( { time "$@" >>"$work/$1.out" 2>>"$work/$1.err"; } 2>&1 )
  echo "$t" | awk -v l="$1" '{printf "%s %.3f %.3f\n", l, $1, $2+$3}' >>"$work/times"
}
# the first argument doubles as the output name, so wrap the commands
py_cluster() { PYTHONPATH=$ref ${PYTHON:-python3} "$here/bench.py" cluster "$layout"; }
go_cluster() { "$work/motif-hdbscan-bench" cluster -in "$layout"; }
py_sweep() { PYTHONPATH=$ref ${PYTHON:-python3} "$here/bench.py" sweep "$layout"; }
go_sweep() { "$work/motif-hdbscan-bench" sweep -in "$layout"; }
: >"$work/times"
for i in $(seq "$runs"); do
  measure py_cluster; measure go_cluster
done
for i in $(seq "${SWEEP_RUNS:-1}"); do
  measure py_sweep; measure go_sweep
done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for l in py_cluster go_cluster py_sweep go_sweep; do
  w=$(awk -v l=$l '$1==l {print $2}' "$work/times" | median)
  c=$(awk -v l=$l '$1==l {print $3}' "$work/times" | median)
  echo "$l wall ${w}s cpu ${c}s"
done

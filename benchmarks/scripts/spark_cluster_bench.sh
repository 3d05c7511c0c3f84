#!/usr/bin/env bash
# Spark round costs and epoch times on a two-worker standalone cluster on this machine (spark/local-cluster): the
# round broken down (clnn-spark overhead), then the MLP at K = 1 and global batch 64 for 2 epochs with one job per
# round, then barrier segments for 3 epochs with --shuffle global and with --shuffle local; the epoch lines give
# samples/s. Build first (mvn -B install -DskipTests && mvn -B -f spark/pom.xml package -DskipTests).
#   benchmarks/scripts/spark_cluster_bench.sh [DEVICE]    (default opencl; cpu for the Java reference)
set -euo pipefail
cd "$(dirname "$0")/../.."
device=${1:-opencl}
export CLNN_CLUSTER_DIR=${CLNN_CLUSTER_DIR:-$PWD/spark/target/bench-cluster}
trap 'spark/local-cluster stop >/dev/null 2>&1 || true' EXIT
spark/local-cluster start --workers 2 --cores 1 --memory 2g >/dev/null
echo "== $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
quiet() { grep -v 'WARN\|INFO\|^\s*at \|^$' || true; }
spark/local-cluster submit overhead --rounds 30 2>&1 | quiet
for run in "jobs global 2" "barrier global 3" "barrier local 3"; do
    set -- $run
    echo "== --sync $1 --shuffle $2, $3 epochs, device $device"
    start=$(date +%s.%N)
    spark/local-cluster submit train --device "$device" --partitions 2 --local-steps 1 --epochs "$3" --seed 1 \
        --sync "$1" --shuffle "$2" 2>&1 | grep -E '^epoch [0-9]|^test accuracy|failed' | sed 's/  (replicas on.*//'
    echo "   wall $(echo "$(date +%s.%N) - $start" | bc) s"
done

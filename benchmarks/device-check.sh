#!/usr/bin/env bash
# One-call check of clnn on an OpenCL device, made for a lent GPU machine with no Java and no network (prepare
# .gpu/ here first: benchmarks/prepare-device-check.sh). In order, each step with its own time limit so the whole
# stays under 8 minutes (limits add up to 440 s with the default tune budget): list devices; op-by-op parity
# against the CPU reference (clnn selfcheck --full); tune with
# a small budget; time GEMM 1024² and 4096², W2 (MLP 784-1024-1024-10, batch 256) and W3 (cnn, batch 64); print a
# table last, with the fraction of the card's fp32 peak. A failing step is reported and the rest still runs; the
# exit code is 1 when the parity check failed or did not run, else 0.
#
# Environment:
#   OUT           folder for every step's full output (default: a new temporary folder)
#   CLNN_DEVICE   the device selector (default: opencl, i.e. the first GPU, else the first device)
#   CLNN_ICD_LIB  the OpenCL driver library to load (default: NVIDIA's libnvidia-opencl.so.1, found in the usual
#                 folders); e.g. /usr/lib/x86_64-linux-gnu/libpocl.so.2 to run the same script on POCL
#   PEAK_GFLOPS   the device's fp32 peak in GFLOP/s (default: from the name: H100 PCIe 51000, H100 SXM and H200
#                 67000; unknown otherwise)
#   TUNE_BUDGET   seconds for clnn tune (default 60)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

out="${OUT:-}"
if [ -z "$out" ]; then
    out="$(mktemp -d -t clnn-device-check.XXXXXX)"
fi
mkdir -p "$out"
device="${CLNN_DEVICE:-opencl}"
budget="${TUNE_BUDGET:-60}"

# The carried runtime and jar when prepared, else what this machine has.
java=java
[ -x .gpu/jre/bin/java ] && java="$root/.gpu/jre/bin/java"
jar="$root/target/clnn.jar"
[ -f .gpu/clnn.jar ] && jar="$root/.gpu/clnn.jar"
[ -f .gpu/libOpenCL.so ] && export LD_LIBRARY_PATH="$root/.gpu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# Point the ICD loader at the driver library alone, so the device list is exactly that driver's.
lib="${CLNN_ICD_LIB:-}"
if [ -z "$lib" ]; then
    lib="$(ls /usr/local/nvidia/lib64/libnvidia-opencl.so.1 /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 \
        /usr/lib64/libnvidia-opencl.so.1 /usr/lib/libnvidia-opencl.so.1 2>/dev/null | head -1)"
fi
if [ -n "$lib" ]; then
    icd="$(mktemp -d)"
    echo "$lib" > "$icd/clnn-check.icd"
    export OCL_ICD_VENDORS="$icd"
    echo "OpenCL driver: $lib"
else
    echo "OpenCL driver: no libnvidia-opencl.so.1 found and CLNN_ICD_LIB unset; using the system's ICD files"
    ls -la /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu/ 2>&1 | grep -i -E "nvidia|opencl|cuda" \
        > "$out/driver-folders.txt"
    echo "  (driver libraries seen: $out/driver-folders.txt)"
fi
echo "java: $java ($("$java" -version 2>&1 | head -1)); jar: $jar; device: $device; outputs: $out"

declare -A status
# step NAME SECONDS COMMAND...: runs the command with a time limit, output to $out/NAME.txt; prints its last line.
step() {
    local name="$1" limit="$2"
    shift 2
    local start end rc
    start=$(date +%s.%N)
    timeout --kill-after=10 "$limit" "$@" > "$out/$name.txt" 2>&1
    rc=$?
    end=$(date +%s.%N)
    local took
    took=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    if [ "$rc" -eq 0 ]; then
        status[$name]="ok"
    elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        status[$name]="timed out after ${limit} s"
    elif grep -q 'unknown command' "$out/$name.txt"; then
        status[$name]="not in this build (exit $rc)"
    else
        status[$name]="failed (exit $rc)"
    fi
    echo "== $name: ${status[$name]}, ${took} s: $(grep -v '^\s*$' "$out/$name.txt" | tail -1)"
}

clnn=("$java" -jar "$jar")

step devices 30 "${clnn[@]}" devices
cat "$out/devices.txt"
step parity 90 "${clnn[@]}" selfcheck --full --device "$device"
grep -E '^FAIL' "$out/parity.txt" | head -20
# The tuner may be missing from this build (clnn tune is newer than the check): reported, never fatal.
step tune $((budget + 30)) "${clnn[@]}" tune --device "$device" --budget "$budget"
step gemm1024 40 "${clnn[@]}" bench gemm --n 1024 --device "$device"
step gemm4096 80 "${clnn[@]}" bench gemm --n 4096 --device "$device"
step w2 55 "${clnn[@]}" bench train --model "linear(784,1024),relu,linear(1024,1024),relu,linear(1024,10)" --batch 256 \
    --device "$device"
step w3 55 "${clnn[@]}" bench train --model cnn --device "$device"

# The device's name, from a bench line ("... on NAME (platform, driver ..., opencl:P:D)").
name="$(grep -h -o ' on .*' "$out/gemm1024.txt" "$out/w2.txt" 2>/dev/null | tail -1 | sed 's/^ on //; s/ (.*//')"
peak="${PEAK_GFLOPS:-}"
if [ -z "$peak" ]; then
    case "$name" in
        *H100*PCIe*) peak=51000 ;;
        *H100* | *H200*) peak=67000 ;;
    esac
fi

# The number before a unit on a step's last line, e.g. "... 412.3 GFLOP/s on ..." -> 412.3.
value() {
    grep -h -o "[0-9.]* $2" "$out/$1.txt" 2>/dev/null | tail -1 | cut -d' ' -f1
}
# FLOP per training sample of the products (forward, weight gradients, input gradients but the first layer's):
# W2 2·(784·1024 + 1024·1024 + 1024·10)·2 + 2·(1024·1024 + 1024·10) = 9,564,160; W3 (the cnn) 2·(16·9·784 +
# 32·144·196 + 1568·10)·2 + 2·(32·144·196 + 1568·10) = 5,964,672.
row() { # label step unit flop-per-unit
    local v gflops share
    v="$(value "$2" "$3")"
    if [ -z "$v" ]; then
        printf '%-30s %-36s %10s %9s\n' "$1" "${status[$2]:-not run}" "-" "-"
        return
    fi
    gflops="$(awk -v v="$v" -v f="$4" 'BEGIN { printf "%.1f", v * f / 1e9 }')"
    share="unknown"
    [ -n "$peak" ] && share="$(awk -v g="$gflops" -v p="$peak" 'BEGIN { printf "%.1f%%", 100 * g / p }')"
    printf '%-30s %-36s %10s %9s\n' "$1" "$v $3" "$gflops" "$share"
}

echo
echo "device: ${name:-unknown}; fp32 peak: ${peak:+$peak GFLOP/s}${peak:-unknown (set PEAK_GFLOPS)}"
echo "devices: ${status[devices]}; parity: ${status[parity]} ($(grep -h -E '^(parity passed|PARITY FAILED)' \
    "$out/parity.txt" 2>/dev/null | tail -1)); tune: ${status[tune]}"
printf '%-30s %-36s %10s %9s\n' "workload" "result" "GFLOP/s" "of peak"
row "GEMM 1024x1024" gemm1024 "GFLOP/s" 1e9
row "GEMM 4096x4096" gemm4096 "GFLOP/s" 1e9
row "W2 MLP 784-1024-1024-10 b256" w2 "samples/s" 9564160
row "W3 cnn b64" w3 "samples/s" 5964672
[ "${status[parity]}" = "ok" ]

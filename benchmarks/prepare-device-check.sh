#!/usr/bin/env bash
# Prepares .gpu/ for benchmarks/device-check.sh on a machine with no Java and no network (docs/device-check.md):
# a jlink'd Java runtime, the shaded clnn jar and this machine's OpenCL ICD loader.
# Run it here, in the repository; the folder is added to .git/info/exclude so it is ignored but can be carried.
#   benchmarks/prepare-device-check.sh            # uses target/clnn.jar, building it when missing
#   benchmarks/prepare-device-check.sh --rebuild  # rebuilds the jar first
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${1:-}" = "--rebuild" ] || [ ! -f target/clnn.jar ]; then
    echo "building target/clnn.jar..." >&2
    MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q -o -Dstyle.color=never package -DskipTests >&2
fi

rm -rf .gpu
mkdir -p .gpu
# The modules the jar needs (java.desktop is for the plots), plus jdk.unsupported for JOCL's native loading.
modules="$(jdeps --print-module-deps --ignore-missing-deps target/clnn.jar),jdk.unsupported"
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 --output .gpu/jre
cp target/clnn.jar .gpu/clnn.jar

# JOCL opens libOpenCL.so by that exact name; the runtime package ships only libOpenCL.so.1.
loader=""
for candidate in /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 /usr/lib64/libOpenCL.so.1 /usr/lib/libOpenCL.so.1; do
    if [ -e "$candidate" ]; then
        loader="$candidate"
        break
    fi
done
if [ -z "$loader" ]; then
    echo "prepare-device-check: no OpenCL ICD loader (libOpenCL.so.1) found; install ocl-icd-libopencl1" >&2
    exit 1
fi
cp -L "$loader" .gpu/libOpenCL.so.1
cp -L "$loader" .gpu/libOpenCL.so

exclude="$(git rev-parse --git-path info/exclude)"
mkdir -p "$(dirname "$exclude")"
grep -qxF '/.gpu/' "$exclude" 2>/dev/null || echo '/.gpu/' >> "$exclude"

echo "prepared .gpu/ ($(du -sh .gpu | cut -f1)): jre ($modules), clnn.jar, libOpenCL.so from $loader"
echo "carry it with the working tree (run's carry: [\".gpu\"]) and run: benchmarks/device-check.sh"

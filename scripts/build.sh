#!/usr/bin/env bash
#
# scripts/build.sh [BUILD_DIR] [CMAKE_OPTION...] - configure and build gsctp.
#
# BUILD_DIR defaults to "build"; a relative BUILD_DIR is taken relative to
# the repository root, so the result does not depend on the current
# directory.  Every other argument goes to cmake's configure step, e.g.
#
#   scripts/build.sh build-asan -DGSCTP_ASAN=ON
#
# Warnings are errors (-DGSCTP_WERROR=ON).  This script does not install
# packages; scripts/deps.sh does.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  sed -n '3,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

builddir=build
if [ $# -gt 0 ]; then
  case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    -*) ;;
    *)
      builddir=$1
      shift
      ;;
  esac
fi
case $builddir in
  /*) ;;
  *) builddir=$root/$builddir ;;
esac

jobs=$(nproc 2>/dev/null || echo 2)

echo "build: configuring $builddir $*"
cmake -S "$root" -B "$builddir" -DGSCTP_WERROR=ON "$@"
echo "build: building $builddir (-j$jobs)"
cmake --build "$builddir" -j"$jobs"

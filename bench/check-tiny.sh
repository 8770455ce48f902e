#!/bin/sh
# bench/check-tiny.sh GSCTP-BENCH - smoke test for ctest: runs gsctp-bench
# --tiny and checks that it completes and that every figure line is
# well formed.  It never asserts speed (benchmarks are programs, not tests).
set -eu
bench=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout 120 "$bench" --tiny >"$out"
fail() {
  echo "check-tiny: $*" >&2
  cat "$out" >&2
  exit 1
}
num='[0-9][0-9.]*'
ratio="vs_raw_usrsctp=($num|n/a) vs_tcp=($num|n/a) runs=[0-9]+"
n=0
while IFS= read -r line; do
  case $line in
    "#"*) continue ;;
  esac
  n=$((n + 1))
  if echo "$line" | grep -Eq ' not available: .+$'; then
    continue
  fi
  echo "$line" | grep -Eq \
    "^(tput mtu=1500 size=$num streams=$num variant=[a-z_]+ msg_s=$num mb_s=$num cpu_us_msg=$num csw_msg=$num|lat mtu=1500 size=$num variant=[a-z_]+ p50_us=$num p99_us=$num|setup mtu=1500 n=$num variant=[a-z_]+ assoc_s=$num time_s=$num rss_kib_per_assoc=-?$num) $ratio( pmtu=$num)?( some_failed=.*)?$" ||
    fail "malformed or failed line: $line"
done <"$out"
for v in raw_usrsctp gsctp tcp; do
  for t in tput lat setup; do
    grep -q "^$t .*variant=$v " "$out" || fail "no $t line for $v"
  done
done
[ "$n" -ge 9 ] || fail "only $n figure lines"
echo "check-tiny: $n well-formed figure lines"

#!/usr/bin/env bash
# scripts/tor-testnet start that cannot finish in time (--timeout 1) must fail
# with a message, and leave no tor, obfs4proxy or lifeline of its network
# running; stop on that directory afterwards must succeed and find nothing.
#   testnet_failure_test.sh WORKDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
testnet=$here/../../scripts/tor-testnet
dir=${1:?usage: testnet_failure_test.sh WORKDIR}
rm -rf "$dir"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)

if out=$("$testnet" start "$dir" --bridge --timeout 1 2>&1); then
  echo "FAILED: start succeeded within 1 s: $out"
  "$testnet" stop "$dir"
  exit 1
fi
echo "$out"
grep -q 'start failed; stopping what was started' <<<"$out" ||
  { echo "FAILED: start did not say it failed and stopped its processes"; exit 1; }

# Give killed processes (and obfs4proxy, which exits when its tor does) a moment.
for _ in $(seq 50); do
  left=$(pgrep -f -- "$dir/" || true)
  left_pt=$(for p in $(pgrep -x obfs4proxy || true); do
              tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q "=$dir/" && echo "$p"; done || true)
  [ -z "$left$left_pt" ] && break
  sleep 0.2
done
if [ -n "$left$left_pt" ]; then
  echo "FAILED: processes of $dir outlived the failed start:"
  ps -o pid,comm,args -p $left $left_pt || true
  exit 1
fi
"$testnet" stop "$dir"
echo "a failed start left no process behind"

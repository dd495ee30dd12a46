#!/usr/bin/env bash
# Synthesize the reference cases and compare them byte for byte with a saved reference.
#   bench/same-output.sh save /tmp/perf-ref      # before a change
#   bench/same-output.sh check /tmp/perf-ref     # after: exits 1 on any difference
# Cases: course (default CourseStack) and platform N=1000 (and N=10, quick). Needs `npx tsc -p tsconfig.build.json` first.
set -euo pipefail
mode=$1; ref=$2; mkdir -p "$ref"
out=$ref; [ "$mode" = check ] && out=$(mktemp -d)
# The local backend's state path holds the checkout's directory: replaced, so worktrees compare equal.
run() { node dist/bench/synth-bench.js --case "$1" --n "$2" --side library --synth app --keep "$out/$1-$2.json" >/dev/null
  sed -i "s#$PWD/#<checkout>/#g" "$out/$1-$2.json"; }
run course 0; run platform 10; run platform 1000
if [ "$mode" = check ]; then
  rc=0
  for f in course-0 platform-10 platform-1000; do
    if cmp -s "$ref/$f.json" "$out/$f.json"; then echo "same: $f"; else echo "DIFFERENT: $f ($out/$f.json)"; rc=1; fi
  done
  exit $rc
fi

#!/usr/bin/env bash
# Run every libFuzzer target of a -DUT_FUZZ=ON build for SECONDS each, starting from the saved
# corpus (copied, so the source tree is untouched). A crash fails the run and leaves its input in
# BUILD/fuzz-out/<target>/: fix the bug, then add the input to tests/fuzz/corpus/<target>/.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS]      (deploy/test.sh runs it briefly; run it longer by hand)
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
secs=${2:-15}
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fail=0
for corpus in "$src"/corpus/*/; do
	t=$(basename "$corpus")
	out="$build/fuzz-out/$t"
	mkdir -p "$out/corpus"
	cp -n "$corpus"* "$out/corpus/" 2>/dev/null || true
	if "$build/tests/fuzz_$t" -max_total_time="$secs" -artifact_prefix="$out/" -print_final_stats=1 \
		"$out/corpus" >"$out/log" 2>&1; then
		echo "fuzz/$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out/log"), no crash"
	else
		echo "fuzz/$t: FAILED, see $out/log"; tail -30 "$out/log"; fail=1
	fi
done
exit "$fail"

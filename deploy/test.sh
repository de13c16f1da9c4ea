#!/usr/bin/env bash
# Install the dependencies, then build and ctest the normal tree and the ASan/UBSan tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=deploy/lib.sh
source deploy/lib.sh

usage() {
	cat <<EOF
usage: deploy/test.sh [--quick]

Installs missing Debian packages, then builds and runs ctest in
  build/       -DCMAKE_BUILD_TYPE=RelWithDebInfo
  build-asan/  -DUT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug  (skipped with --quick)
  build-fuzz/  clang -DUT_FUZZ=ON: each fuzz target for UT_FUZZ_SECONDS (15) s (skipped with --quick)
Exits non-zero when a build or a test fails.
EOF
}

quick=0
for a; do
	case $a in
	--quick) quick=1 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done

ut_install_deps

summary=() failed=0
# tree DIR [VAR=VALUE...] -- CMAKE_ARGS...: configure, build, ctest; one summary line per tree.
tree() {
	local dir=$1 envs=() line
	shift
	while [[ $1 != -- ]]; do envs+=("$1"); shift; done
	shift
	echo
	echo "================ $dir: $* ================"
	if ! cmake -S . -B "$dir" "$@" || ! cmake --build "$dir" -j2; then
		summary+=("$dir: BUILD FAILED"); failed=1; return 0
	fi
	if ! env "${envs[@]}" ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2 --timeout 300 2>&1 |
		tee "$dir/ctest.log"; then
		failed=1
	fi
	line=$(grep -E '^[0-9]+% tests passed' "$dir/ctest.log" | tail -n 1) || line="no test summary (no tests found?)"
	summary+=("$dir: $line")
}

tree build -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
if ((!quick)); then
	tree build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 -- -DUT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
fi

if ((!quick)); then
	echo
	echo "================ build-fuzz: libFuzzer targets, ${UT_FUZZ_SECONDS:-15} s each ================"
	if CC=clang cmake -S . -B build-fuzz -DUT_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null &&
		cmake --build build-fuzz -j2 --target fuzz >/dev/null && tests/fuzz/run.sh build-fuzz "${UT_FUZZ_SECONDS:-15}"; then
		summary+=("build-fuzz: every target ran ${UT_FUZZ_SECONDS:-15} s without a crash")
	else
		summary+=("build-fuzz: FAILED"); failed=1
	fi
fi

echo
echo "================ summary ================"
printf '%s\n' "${summary[@]}"
exit "$failed"

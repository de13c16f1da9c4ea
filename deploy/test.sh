#!/usr/bin/env bash
# Install the dependencies, then build and ctest the normal tree and the ASan/UBSan tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=deploy/lib.sh
source deploy/lib.sh

usage() {
	cat <<EOF
usage: deploy/test.sh [--quick] [--tests REGEX]

Installs missing Debian packages, then builds and runs ctest in
  build/       -DCMAKE_BUILD_TYPE=RelWithDebInfo
  build-asan/  -DUT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug  (skipped with --quick)
  build-fuzz/  clang -DUT_FUZZ=ON: each fuzz target for UT_FUZZ_SECONDS (15) s (skipped with --quick
               or --tests)
--tests REGEX  runs only the ctest tests matching REGEX (e.g. '^fault/') in each tree.
UT_TEST_LOAD=1 runs the tests while stress-ng keeps every CPU busy (at most UT_TEST_LOAD_SECONDS,
               3600), as on a machine shared with other work; the tests must hold there too.
Exits non-zero when a build or a test fails.
EOF
}

quick=0 only=()
while (($#)); do
	case $1 in
	--quick) quick=1 ;;
	--tests) [[ $# -ge 2 ]] || { usage >&2; exit 2; }; only=(-R "$2"); shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

# The browser tests of the web console: Debian's chromium with CJK fonts, driven by playwright-core
# (pinned in tests/web/package-lock.json; npm ci installs it, never a browser).
UT_DEPS+=(chromium fonts-noto-cjk poppler-utils) # poppler reads the printed sign-in sheet back
command -v npm >/dev/null || UT_DEPS+=(npm)
ut_install_deps
if [[ ! -d tests/web/node_modules/playwright-core ]] || [[ tests/web/package-lock.json -nt tests/web/node_modules ]]; then
	echo "==> npm ci in tests/web"
	npm ci --prefix tests/web --no-audit --no-fund
fi

# The load runs while a tree's tests run (not while it builds: that would only slow the compiler),
# bounded in time and stopped on any exit.
load_pid=
load_start() {
	[[ ${UT_TEST_LOAD:-0} == 1 && -z $load_pid ]] || return 0
	stress-ng --cpu "$(nproc)" --timeout "${UT_TEST_LOAD_SECONDS:-3600}s" --quiet &
	load_pid=$!
	echo "# load: stress-ng --cpu $(nproc) (pid $load_pid)"
}
load_stop() {
	[[ -n $load_pid ]] || return 0
	kill -TERM "$load_pid" 2>/dev/null
	wait "$load_pid" 2>/dev/null
	load_pid=
}
trap load_stop EXIT

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
	load_start
	if ! env "${envs[@]}" ctest --test-dir "$dir" --output-on-failure --no-tests=error -j2 --timeout 300 "${only[@]}" 2>&1 |
		tee "$dir/ctest.log"; then
		failed=1
	fi
	line=$(grep -E '^[0-9]+% tests passed' "$dir/ctest.log" | tail -n 1) || line="no test summary (no tests found?)"
	summary+=("$dir: $line${load_pid:+ (under load; load average $(cut -d' ' -f1-3 /proc/loadavg))}")
	load_stop
}

tree build -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
if ((!quick)); then
	tree build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 -- -DUT_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
fi

if ((!quick && ${#only[@]} == 0)); then
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

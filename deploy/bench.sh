#!/usr/bin/env bash
# Install, build, and run every benchmark in tests/bench/ (each prints its figures next to the
# machine's raw limit measured in the same run). Not part of the pass/fail suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=deploy/lib.sh
source deploy/lib.sh

case ${1:-} in
-h | --help)
	echo "usage: deploy/bench.sh [NAME...]   (names of tests/bench/*.sh; default all)"
	exit 0 ;;
esac

ut_install_deps
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
names=("$@")
((${#names[@]})) || names=($(cd tests/bench && ls ./*.sh | sed 's|^\./||; s|\.sh$||'))
{
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
	for n in "${names[@]}"; do
		echo
		echo "## $n"
		bash "tests/bench/$n.sh" "$PWD/build"
	done
} 2>&1 | tee build/bench.log

# Shared by deploy/ut-node and deploy/test.sh (sourced): install the Debian 12 packages we need.
# shellcheck shell=bash

# Build tools, the libraries we link, the Redis we run, and the tools the tests use
# (sqlite3 to inspect stores, clang and its runtime for the fuzz targets).
UT_DEPS=(cmake pkg-config build-essential libzmq3-dev libprotobuf-c-dev protobuf-c-compiler
	libhiredis-dev libsqlite3-dev libcmocka-dev redis-server redis-tools sqlite3
	clang libclang-rt-14-dev tzdata libutf8proc-dev
	libcurl4-openssl-dev libssl-dev openssl python3-aiosmtpd)
# The clients' command layer: JSON (jansson), base64 (libsodium), the catalogues (gettext's msgfmt).
UT_DEPS+=(libjansson-dev libsodium-dev gettext)
# The web console: HTTPS with libmicrohttpd, its self-signed certificate made with GnuTLS.
UT_DEPS+=(libmicrohttpd-dev libgnutls28-dev libjs-chart.js) # and its charts, served from the node
UT_DEPS+=(libzip-dev libexpat1-dev libxlsxwriter-dev)  # utctl reads .xlsx (libzip, expat); test_sheet writes them
UT_DEPS+=(stress-ng) # deploy/test.sh with UT_TEST_LOAD=1 keeps both CPUs busy while the tests run

# Install whichever of UT_DEPS is missing; touch nothing (not even apt-get update) when none is.
ut_install_deps() {
	local p missing=() sudo=()
	if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
		# Not Debian: we can only check that the essential commands are there.
		for p in cmake pkg-config protoc-c redis-server redis-cli cc; do
			command -v "$p" >/dev/null || missing+=("$p")
		done
		((${#missing[@]} == 0)) && return 0
		echo "error: no apt-get here; install these yourself: ${missing[*]}" >&2
		return 1
	fi
	for p in "${UT_DEPS[@]}"; do
		dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
	done
	((${#missing[@]} == 0)) && return 0
	if ((EUID != 0)); then
		if ! command -v sudo >/dev/null; then
			echo "error: not root and no sudo; install as root: ${missing[*]}" >&2
			return 1
		fi
		sudo=(sudo)
	fi
	echo "==> installing ${missing[*]}"
	# Wait for another apt (e.g. unattended-upgrades) instead of failing on its lock.
	"${sudo[@]}" apt-get -q -o DPkg::Lock::Timeout=300 update
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
		install --no-install-recommends "${missing[@]}"
}

# Shared by the shell tests (sourced): start a real node (redis-server with deploy/redis.conf and
# the four daemons) in a temporary directory, drive it with utctl, check, and clean up.
# shellcheck shell=bash
set -uo pipefail

UT_BIN=${UT_BIN:?set by ctest: the build tree\'s services directory}
UT_TOOLS=${UT_TOOLS:?set by ctest: the build tree\'s tests directory}
UT_SRC=${UT_SRC:?set by ctest: the source tree}
DAEMONS=(ut-schedd ut-enrold ut-notifyd ut-reportd ut-webd)
# utctl speaks English to the tests whatever the machine's locale and the node's ([node] locale is
# the reader's language only when the environment names none); bash's warning that the C library
# has no such locale is not the test's business.
unset LC_ALL
{ export LC_MESSAGES=en_US.UTF-8; } 2>/dev/null

T=$(mktemp -d /tmp/ut-test.XXXXXX)
PASSED=0
FAILED=0
declare -A PIDS=()

cleanup() {
	local name
	for name in "${!PIDS[@]}"; do
		kill -9 "${PIDS[$name]}" 2>/dev/null
	done
	wait 2>/dev/null
	if ((FAILED)) || [[ -n ${UT_KEEP:-} ]]; then
		echo "test directory kept: $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

# A TCP port free on loopback now.
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# write_config [extra ini lines...]: the node's configuration, run dir = the test directory.
write_config() {
	{
		printf '[node]\nid = test-node\nrun_dir = .\nlog_level = info\n'
		printf '[rpc]\ntimeout_ms = 5000\n'
		printf '[notify]\ntemplates_dir = %s/deploy/templates\n' "$UT_SRC" # a later line may override
		printf '[web]\nlisten = 127.0.0.1:%s\n' "$(free_port)" # the console on a port of its own
		printf '%s\n' "$@"
	} >"$T/node.ini"
}

start_redis() {
	redis-server "$UT_SRC/deploy/redis.conf" --unixsocket "$T/redis.sock" --dir "$T" \
		--pidfile "$T/redis.pid" --daemonize no --logfile "$T/redis.log" &
	PIDS[redis]=$!
	wait_until 30 redis_up && return 0
	echo "redis did not start"; cat "$T/redis.log"; exit 1
}

redis_up() { redis-cli -s "$T/redis.sock" ping 2>/dev/null | grep -q PONG; }

stop_redis() {
	kill -9 "${PIDS[redis]}" 2>/dev/null
	wait "${PIDS[redis]}" 2>/dev/null
	unset 'PIDS[redis]'
}

start_daemon() {
	"$UT_BIN/$1" --config "$T/node.ini" 2>>"$T/$1.log" &
	PIDS[$1]=$!
}

# stop_daemon NAME [SIGNAL]: signal it and wait; its exit status is left in STOPPED_STATUS.
stop_daemon() {
	local pid=${PIDS[$1]}
	kill -"${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	STOPPED_STATUS=$?
	unset "PIDS[$1]"
}

# start_spool_sink DIR LOG: every spool file that appears in DIR named in LOG (tests/tools/spool_sink.py),
# once it watches.
start_spool_sink() {
	: >"$2"
	/usr/bin/python3 "$UT_SRC/tests/tools/spool_sink.py" "$1" "$2" &
	PIDS[sink]=$!
	wait_until 30 grep -q READY "$2" || { echo "inotify sink did not start"; exit 1; }
}

# Wait until every daemon answers (bounded).
wait_ready() {
	wait_until 30 utctl node status >/dev/null && return 0
	echo "node did not become ready"; utctl node status; tail -5 "$T"/*.log; exit 1
}

start_node() {
	[[ -f $T/node.ini ]] || write_config
	start_redis
	local d
	for d in "${DAEMONS[@]}"; do start_daemon "$d"; done
	wait_ready
}

# ut-schedd and ut-notifyd answer (the tests that start only those two)
notify_ready() { utctl notify log >/dev/null 2>&1 && utctl course list >/dev/null 2>&1; }
# ut-notifyd's job stream, "PENDING LAG": jobs a worker took and has not acknowledged, jobs no
# worker has taken yet; "0 0" once every job is done.
unacked() {
	redis-cli -s "$T/redis.sock" xinfo groups ut:ev:ut-notifyd-jobs |
		awk '/^(pending|lag)$/ { getline; printf "%s%s", s, $0; s = " " }'
}
utctl() { "$UT_BIN/utctl" --node-config "$T/node.ini" "$@"; }
sql() { sqlite3 -batch -noheader "$T/$1.db" "$2"; }
rawsend() { "$UT_TOOLS/ut-rawsend" "ipc://$T/$1.sock" "${@:2}"; }
events() { "$UT_TOOLS/ut-streamdump" "$T/redis.sock" "ut:ev:$1"; }

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }

# check DESCRIPTION EXPECTED ACTUAL
check() {
	if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1: expected '$2', got '$3'"; fi
}

# check_run DESCRIPTION EXIT_CODE PATTERN CMD...: run CMD, compare its exit code, grep its output.
check_run() {
	local desc=$1 want=$2 pat=$3 out st
	shift 3
	out=$("$@" 2>&1)
	st=$?
	if [[ $st != "$want" ]]; then
		fail "$desc: exit $st, expected $want; output: $out"
	elif [[ -n $pat ]] && ! grep -qE -- "$pat" <<<"$out"; then
		fail "$desc: output does not match /$pat/: $out"
	else
		ok "$desc"
	fi
}

# wait_for DESCRIPTION EXPECTED CMD...: poll CMD until it prints EXPECTED, at most WAIT_S (30) s;
# the deadline is in time, not in tries, so a loaded machine gets as long as an idle one.
wait_for() {
	local desc=$1 want=$2 got end=$((SECONDS + ${WAIT_S:-30}))
	shift 2
	while :; do
		got=$("$@" 2>/dev/null)
		[[ $got == "$want" ]] && { ok "$desc"; return 0; }
		((SECONDS <= end)) || break
		sleep 0.05
	done
	fail "$desc: expected '$want', got '$got'"
	return 1
}

# wait_until SECONDS CMD...: poll CMD until it succeeds (true) or SECONDS have passed (false);
# for conditions that are a precondition rather than a test result.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@" 2>/dev/null; do
		((SECONDS <= end)) || return 1
		sleep 0.05
	done
}

finish() {
	echo "$PASSED passed, $FAILED failed"
	((FAILED == 0))
}

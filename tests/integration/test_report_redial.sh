# The upward link finds its parent again whatever met it first: a child started while its parent is
# away builds and keeps its snapshot, and when something that is not a parent answered on the
# parent's port (a web server, a half-started process: libzmq then drops the connection for good,
# without an event), the child dials again once the parent has said nothing for a while.
source "$(dirname "$0")/lib.sh"

PORT=$(free_port)
node() {
	mkdir -p -m 700 "$T/$1"
	{
		printf '[node]\nid = %s\nrun_dir = .\nlog_level = debug\n' "$1"
		printf '[redis]\nsocket = %s\nprefix = %s:\n' "$T/redis.sock" "$1"
		printf '[report]\ninterval_ms = 200\nresend_max_ms = 800\nstale_after_s = 3600\nmin_interval_ms = 0\n'
		printf '%s\n' "${@:2}"
	} >"$T/$1/node.ini"
}
u() { "$UT_BIN/utctl" --node-config "$T/$1/node.ini" "${@:2}"; }
up() { "$UT_BIN/ut-reportd" --config "$T/$1/node.ini" 2>>"$T/$1.log" & PIDS[$1]=$!; }
pubkey() { u "$1" --json node keygen | python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])'; }
link() { sqlite3 "$T/county/ut-reportd.db" "SELECT ival FROM rp_link WHERE key = '$1'" 2>/dev/null; }

start_redis
node city
node county
CITY_KEY=$(pubkey city) COUNTY_KEY=$(pubkey county)
node city "[report]" "listen = tcp://127.0.0.1:$PORT"
node county "[report]" "parent = tcp://127.0.0.1:$PORT" "parent_key = $CITY_KEY"

# Something else on the parent's port: it answers every connection with an HTTP error and counts
# them in a file, until the file "stop" appears.
/usr/bin/python3 - "$PORT" "$T" <<'PY' &
import os, socket, sys
port, t = int(sys.argv[1]), sys.argv[2]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
s.settimeout(0.1)
n = 0
while not os.path.exists(t + "/stop"):
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" + b"x" * 64)
    c.close()
    n += 1
    with open(t + "/answered.tmp", "w") as f:
        f.write(str(n))
    os.replace(t + "/answered.tmp", t + "/answered")
s.close()
PY
PIDS[web]=$!
up county
printf 'ut-enrold\tEV_CLASS_COMPLETED\tcadre_id=C1\tclass_id=1\tcompleted=1\tsessions_total=1\tsessions_attended=1\tcategory=safety\tunit_id=1\tunit_kind=enterprise\n' |
	"$UT_TOOLS/ut-report-inject" "$T/redis.sock" "county:" county >/dev/null
wait_for "the child builds its snapshot with no parent in sight" 1 bash -c "sqlite3 '$T/county/ut-reportd.db' \"SELECT ival > 0 FROM rp_link WHERE key = 'built_seq'\""
wait_for "the child met the stranger on the parent's port" 1 bash -c "[[ -s '$T/answered' ]] && echo 1"
touch "$T/stop"
wait "${PIDS[web]}"
unset 'PIDS[web]'
up city
wait_for "the parent is up" 0 bash -c "'$UT_BIN/utctl' --node-config '$T/city/node.ini' node child list >/dev/null 2>&1; echo \$?"
check_run "the parent registers the child" 0 '^child county registered' u city node child add county "$COUNTY_KEY"
wait_for "the child's snapshot arrives: it dialled again" "$(link built_seq)" link acked_seq
check "and its link reports no error" "" "$(sqlite3 "$T/county/ut-reportd.db" "SELECT sval FROM rp_link WHERE key = 'error'")"
check_run "the log says why it dialled again" 0 'dialling again' cat "$T/county.log"
finish

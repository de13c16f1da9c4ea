# ut-webd on a real node: accounts made with utctl, sign-in with Argon2id, sessions in cookies,
# the CSRF token, roles per command-table row, the API answering what utctl answers (as JSON or
# as utctl's words), pages from the www directory, and bad input answered as JSON errors with
# nothing changed. Driven over real HTTP by tests/tools/webclient.py.
source "$(dirname "$0")/lib.sh"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_config '[web]' "listen = 127.0.0.1:$port" 'max_body_kb = 8'
start_node
# HTTPS by default, with a certificate made on first start: the client checks it as any would.
export UT_WEB_CA=$T/web-cert.pem
web() { /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "https://127.0.0.1:$port" "$@"; }
wait_until 30 web get / >/dev/null || { fail "ut-webd does not answer"; tail "$T/ut-webd.log"; finish; }
check "a self-signed certificate made in the run directory" 1 "$(grep -c 'made a self-signed certificate' "$T/ut-webd.log")"
check "its key is the daemon's alone" 600 "$(stat -c %a "$T/web-key.pem")"
check_run "the certificate names this machine and 127.0.0.1" 0 'IP Address:127.0.0.1' \
	openssl x509 -in "$T/web-cert.pem" -noout -ext subjectAltName

# Accounts: only the hash is sent and kept.
check_run "an admin account" 0 '^account boss created \(admin\)' \
	utctl user add boss --role admin --password-file - <<<'long enough secret'
utctl user add wang.li --role officer --locale zh-Hans --password-file - <<<'officer password 1' >/dev/null
utctl user add an.nguyen --role viewer --password-file - <<<'viewer password 1' >/dev/null
check_run "a short password is refused" 2 'at least 10 characters' utctl user add x --role viewer --password-file - <<<'short'
check_run "a duplicate account is refused" 1 'an account named boss already exists' \
	utctl user add boss --role viewer --password-file - <<<'long enough secret'
check_run "accounts listed" 0 'wang\.li +officer +zh-Hans' utctl user list
check "no password in the database" 3 "$(sql ut-webd "SELECT count(*) FROM users WHERE password_hash LIKE '\$argon2id\$%'")"
check "the passwords themselves are nowhere in it" 0 "$(grep -c 'officer password 1' "$T/ut-webd.db")"

# Everything else is checked by the client, one line per check; it exits 1 on any failure.
utctl course add --code LAW --title 'Pháp luật lao động' --category labour_law >/dev/null
utctl unit add --code XQ --name 'LĐLĐ quận' --kind union >/dev/null
utctl cadre add --id C001 --name 'Nguyễn Văn An' --unit XQ --position chair >/dev/null
utctl cadre add --id C002 --name 'Trần Thị Bình' --unit XQ --position vice_chair >/dev/null
out=$(web scenario "$T" 2>&1); st=$?
while IFS= read -r line; do
	case $line in
	ok\ -*) ok "${line#ok - }" ;;
	FAIL\ -*) fail "${line#FAIL - }" ;;
	esac
done <<<"$out"
check "the web scenario ran to its end" 0 "$st"
grep -q '^ok - done' <<<"$out" || fail "the web scenario stopped early: $out"

# What the API changed is what utctl sees.
check_run "a course added through the API" 0 'WEB-1 .*Added on the web' utctl course list
check_run "a class added with utctl's words" 0 'Added on the web' utctl class list
check "the refused changes changed nothing" 2 "$(utctl --json course list | /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"

# Rows asked of every daemon at once answer on the web as in utctl.
up_on_web() { web call an.nguyen 'viewer password 1' node status '{}' | /usr/bin/python3 -c '
import json, sys
status, body = sys.stdin.read().split(" ", 1)
d = json.loads(body)
print(status, sum(x["state"] == "up" for x in d["daemons"]), len(d["down"]))'; }
check "node status for a viewer: every daemon up" "200 5 0" "$(up_on_web)"
check_run "the audit for an officer, the web's changes by account" 0 '"actor": "web:wang.li"[^}]*"what": "course add"' \
	web call wang.li 'officer password 1' audit list '{"limit": 50}'
check_run "not for a viewer" 1 "^403 .*forbidden" web call an.nguyen 'viewer password 1' audit list '{}'
# A verb of two words is two parts of the path.
utctl user add chief --role admin --password-file - <<<'chief password 1' >/dev/null
check_run "the children for an admin: /api/node/child/list" 0 '^200 \{"children": \[\]' web call chief 'chief password 1' node child/list '{}'
check_run "not for an officer" 1 '^403 .*may not child list node' web call wang.li 'officer password 1' node child/list '{}'

# A disabled account's sessions end at once.
check_run "disable an account" 0 'account an.nguyen disabled' utctl user disable an.nguyen
check "its session is refused" 401 "$(web status "$T/viewer.cookie" /api/course/list)"
check_run "enable it again" 0 'account an.nguyen enabled' utctl user disable an.nguyen --undo
check_run "an unknown account" 1 'no account named nobody' utctl user role nobody viewer

stop_daemon ut-webd
check "ut-webd stops cleanly on SIGTERM" 0 "$STOPPED_STATUS"

# Restarted, it keeps its certificate; plain HTTP is refused anywhere but on loopback, and so is a
# key others can read.
sum=$(sha256sum <"$T/web-cert.pem")
start_daemon ut-webd
wait_until 30 web get / >/dev/null || fail "ut-webd answers after a restart"
check "the same certificate after a restart" "$sum" "$(sha256sum <"$T/web-cert.pem")"
stop_daemon ut-webd

# Sessions end: idle for [web] session_idle_s, and session_max_s after sign-in however used.
printf '[web]\nlisten = 127.0.0.1:%s\nsession_idle_s = 2\n' "$port" >>"$T/node.ini"
start_daemon ut-webd
wait_until 30 web get / >/dev/null || fail "ut-webd answers with short sessions"
check_run "a session left idle ends" 0 '^200 401$' web idle wang.li 'officer password 1' "$T/ut-webd.db" 2
stop_daemon ut-webd
printf 'session_idle_s = 1800\nsession_max_s = 3\n' >>"$T/node.ini"
start_daemon ut-webd
wait_until 30 web get / >/dev/null || fail "ut-webd answers with short sessions"
check_run "a session in use ends at its longest life, the cookie saying so" 0 'ended [3-9]\.[0-9] s after sign-in, Max-Age=3$' \
	web expires wang.li 'officer password 1'
stop_daemon ut-webd
sed -e "s/^listen = .*/listen = 0.0.0.0:$port/" -e 's/^\[web\]$/[web]\ntls = 0/' "$T/node.ini" >"$T/open.ini"
check_run "plain HTTP on every address is refused" 1 'only on a loopback address' \
	timeout 20 "$UT_BIN/ut-webd" --config "$T/open.ini"
chmod 644 "$T/web-key.pem"
check_run "a key others can read is refused" 1 'readable by others' timeout 20 "$UT_BIN/ut-webd" --config "$T/node.ini"
finish

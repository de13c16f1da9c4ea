# ut-webd on a real node: accounts made with utctl, sign-in with Argon2id, sessions in cookies,
# the CSRF token, roles per command-table row, the API answering what utctl answers (as JSON or
# as utctl's words), pages from the www directory, and bad input answered as JSON errors with
# nothing changed. Driven over real HTTP by tests/tools/webclient.py.
source "$(dirname "$0")/lib.sh"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
write_config '[web]' "listen = 127.0.0.1:$port" 'max_body_kb = 8'
start_node
start_daemon ut-webd
web() { /usr/bin/python3 "$UT_SRC/tests/tools/webclient.py" "http://127.0.0.1:$port" "$@"; }
wait_until 30 web get / >/dev/null || { fail "ut-webd does not answer"; tail "$T/ut-webd.log"; finish; }

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

# A disabled account's sessions end at once.
check_run "disable an account" 0 'account an.nguyen disabled' utctl user disable an.nguyen
check "its session is refused" 401 "$(web status "$T/viewer.cookie" /api/course/list)"
check_run "enable it again" 0 'account an.nguyen enabled' utctl user disable an.nguyen --undo
check_run "an unknown account" 1 'no account named nobody' utctl user role nobody viewer

stop_daemon ut-webd
check "ut-webd stops cleanly on SIGTERM" 0 "$STOPPED_STATUS"
finish

# The email channel's STARTTLS and AUTH against a real aiosmtpd server on loopback that requires
# both (tests/tools/notify_smtp_sink.py, which logs every session step to events.jsonl): with a
# throwaway self-signed certificate trusted through [notify] smtp_ca_file and the right secrets
# the message arrives over TLS, authenticated as the configured user; wrong credentials are a 535
# and a dead letter (an unreadable secrets file is no reason to send without AUTH: a temporary
# failure); a certificate the worker does not trust (another certificate, or the system's
# CA store) is a temporary failure naming the certificate problem, dead after max_attempts, and
# nothing of the message or the password goes over the wire, in clear text or otherwise.
source "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || { echo "the openssl command is missing (deploy/lib.sh UT_DEPS installs it)"; exit 1; }

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
date -d 'TZ="Asia/Shanghai" 2026-03-01 08:00' +%s%3N >"$CLOCK"
# retries are due at now + backoff on the frozen clock: a ticker moves it
tick_clock() { while sleep 0.2; do echo $(($(cat "$CLOCK") + 1000)) >"$CLOCK.t1" && mv "$CLOCK.t1" "$CLOCK"; done; }

# Two throwaway self-signed certificates (no CA) for 127.0.0.1: the server's, and another one.
mkdir -p "$T/tls" "$T/secrets"
cert() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$T/tls/$1.key" -out "$T/tls/$1.pem" -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
		-addext basicConstraints=critical,CA:FALSE -addext extendedKeyUsage=serverAuth 2>>"$T/openssl.log"
}
if ! cert server || ! cert other; then echo "openssl could not make the certificates"; cat "$T/openssl.log"; exit 1; fi

SMTP_USER=ut-mailer PASS='s3cr:t pa55' # a colon and a space in the password: only the first colon splits
printf '%s:%s\n' "$SMTP_USER" "$PASS" >"$T/secrets/smtp.secret"
printf '%s:%s\n' "$SMTP_USER" 'not-the-password' >"$T/secrets/wrong.secret"
chmod 600 "$T"/secrets/*

/usr/bin/python3 "$UT_SRC/tests/tools/notify_smtp_sink.py" --out "$T/mail" --port-file "$T/smtp.port" \
	--tls-cert "$T/tls/server.pem" --tls-key "$T/tls/server.key" --auth-user "$SMTP_USER" --auth-pass "$PASS" \
	2>"$T/smtp.log" &
PIDS[smtp]=$!
wait_until 30 test -s "$T/smtp.port" || { echo "smtp sink did not start"; cat "$T/smtp.log"; exit 1; }
PORT=$(cat "$T/smtp.port")
EVENTS=$T/mail/events.jsonl

# evs FROM EXPR: how many sink events after line FROM satisfy the Python expression EXPR over e.
evs() {
	/usr/bin/python3 -c '
import json, sys
n = 0
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[int(sys.argv[2]):]
except FileNotFoundError:
    lines = []
for l in lines:
    e = json.loads(l)
    n += bool(eval(sys.argv[3], {}, {"e": e}))
print(n)' "$EVENTS" "$1" "$2"
}
mark() { [[ -f $EVENTS ]] && wc -l <"$EVENTS" || echo 0; }
mails() { find "$T/mail" -name '*.eml' 2>/dev/null | wc -l; }

# The sink itself enforces what the test asserts: a plain-text client gets nothing through.
plain=$(/usr/bin/python3 -c '
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=5)
s.ehlo()
try:
    s.login("ut-mailer", "x")
except smtplib.SMTPException:
    pass
try:
    s.sendmail("a@b.example", ["c@d.example"], "Subject: clear\r\n\r\nclear text\r\n")
    print("accepted")
except smtplib.SMTPException as e:
    print(getattr(e, "smtp_code", None) or getattr(e, "recipients", e))
s.quit()' "$PORT" 2>&1)
check "the sink refuses mail in clear text" 530 "$plain"
check "... and says so in its log" 1 "$(($(evs 0 'e["ev"] == "refused" and not e["tls"] and e["reply"].startswith("530")') > 0))"
check "... nothing stored" 0 "$(mails)"
m0=$(mark)

write_config "[notify]" "reminder_offsets = 3d" "quiet_hours =" "tick_ms = 100" \
	"templates_dir = $UT_SRC/deploy/templates" "spool_dir = spool" "channels = email,spool" \
	"smtp_url = smtp://127.0.0.1:$PORT" "smtp_from = training@union.example" "smtp_starttls = 1" \
	"smtp_secrets = secrets/smtp.secret" "smtp_ca_file = tls/server.pem" \
	"smtp_timeout_ms = 5000" "retry_base_ms = 300" "max_attempts = 2" "claim_idle_ms = 2000"
# worker configurations differing in one line (same directory, so the same run_dir and the same
# relative paths)
variant() { sed "s|^$2 = .*|$2 = $3|" "$T/node.ini" >"$T/$1.ini"; }
variant wrong-pass smtp_secrets secrets/wrong.secret
variant other-cert smtp_ca_file tls/other.pem
variant system-ca smtp_ca_file ''
variant no-secrets smtp_secrets secrets/missing.secret
check "the variants differ from node.ini in one line each" "1 1 1 1" \
	"$(for v in wrong-pass no-secrets other-cert system-ca; do diff "$T/node.ini" "$T/$v.ini" | grep -c '^>'; done | xargs)"

start_redis
start_daemon ut-schedd
start_daemon ut-notifyd
wait_until 30 notify_ready || { echo "ut-schedd and ut-notifyd did not answer"; exit 1; }
tick_clock &
PIDS[ticker]=$!

# worker CONFIG: the only worker, with that configuration (the previous one stops first).
worker() {
	[[ -n ${PIDS[worker]:-} ]] && stop_daemon worker
	"$UT_BIN/ut-notifyd" --worker --config "$T/$1.ini" --name "w-$1" 2>>"$T/worker-$1.log" &
	PIDS[worker]=$!
}
n=0
inject() { "$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/$((++n))" "$@" >/dev/null; }
enrol() {
	inject cadre-registered id="$1" name="Cán bộ $1" email="$2" phone= locale=vi
	inject enrol-confirmed cadre="$1" class=1
}
msg() { sql ut-notifyd "SELECT $2 FROM messages WHERE key = '$1/1/confirmed/0/1'" | tr '|' ' '; }

utctl course add --code SAFE-2026 --title 'An toàn lao động' --category safety >/dev/null
check_run "class scheduled" 0 '^class 1 created' utctl class add --course SAFE-2026 --capacity 50 --session '2026-03-10 09:00-12:00'
wait_for "notifyd knows class 1" "1" sql ut-notifyd "SELECT version FROM sched_classes WHERE id = 1"

# 1. Trusted certificate, right credentials: delivered over TLS, authenticated.
worker node
m=$(mark)
enrol T1 tls.ok@example.org
wait_for "T1 mailed" "sent email 1" msg T1 "status, channel, attempts"
check "one mail at the server" 1 "$(mails)"
check "accepted over TLS, authenticated as $SMTP_USER" 1 \
	"$(evs "$m" 'e["ev"] == "accepted" and e["tls"] and e["user"] == "'"$SMTP_USER"'" and e["key"] == "T1_1_confirmed_0_1"')"
check "the session was upgraded with STARTTLS (TLS 1.2 or later)" 1 \
	"$(evs "$m" 'e["ev"] == "tls" and e["version"] in ("TLSv1.2", "TLSv1.3")')"
check "AUTH succeeded once, over TLS" "1 0" "$(evs "$m" 'e["ev"] == "auth" and e["ok"] and e["tls"]') $(evs "$m" 'e["ev"] == "auth" and not e["ok"]')"
check "nothing but EHLO before TLS, nothing refused" 0 \
	"$(evs "$m" '(not e["tls"] and e["ev"] not in ("ehlo",)) or e["ev"] in ("refused", "tls-failed")')"
f=$(grep -l '^X-UT-Key: T1_1_confirmed_0_1' "$T"/mail/*.eml)
check "the stored mail is T1's, to the cadre's address" 1 "$(grep -c '^To: <tls.ok@example.org>' "$f" 2>/dev/null)"

# 2. Wrong password: 535, a dead letter at once, nothing delivered.
worker wrong-pass
m=$(mark)
enrol T2 tls.wrongpass@example.org
wait_for "T2 dead-lettered after one attempt" "dead 1" msg T2 "status, attempts"
check "the dead letter names the 535" 1 "$(msg T2 error | grep -c 'smtp: the server answered 535')"
check_run "notify log --status dead lists it with the reason" 0 'dead +confirmed +T2 .*535' utctl notify log --status dead --cadre T2
check "the server saw one failed AUTH as $SMTP_USER, over TLS" 1 \
	"$(evs "$m" 'e["ev"] == "auth" and not e["ok"] and e["tls"] and e["user"] == "'"$SMTP_USER"'"')"
check "... and accepted nothing" "0 1" "$(evs "$m" 'e["ev"] == "accepted"') $(mails)"

# 2b. A secrets file that cannot be read: never a send without AUTH; temporary (the operator
# can put the file back), dead after max_attempts; the server sees no connection at all.
worker no-secrets
m=$(mark)
enrol T5 tls.nosecrets@example.org
wait_for "T5 dead after max_attempts (2) temporary failures" "dead 2" msg T5 "status, attempts"
check "the dead letter names the missing secrets file" 1 \
	"$(msg T5 error | grep -c "gave up after 2 attempts: smtp: cannot read the secrets file $T/secrets/missing.secret: No such file")"
check "the server saw nothing of it" "0 1" "$(evs "$m" 1) $(mails)"

# 3. The server's certificate is not the one the worker trusts: refused by the worker before
# AUTH or MAIL; temporary, so retried, then dead after max_attempts.
worker other-cert
m=$(mark)
enrol T3 tls.othercert@example.org
wait_for "T3 dead after max_attempts (2) temporary failures" "dead 2" msg T3 "status, attempts"
check "the dead letter names the certificate problem and the file trusted" 1 \
	"$(msg T3 error | grep -c "gave up after 2 attempts: smtp: the server's certificate is not trusted (checked against $T/tls/other.pem): SSL certificate problem")"
check "each attempt was a temporary failure" 2 "$(grep -c "(T3/1/confirmed/0/1) over email: temporary failure: smtp: the server's certificate is not trusted" "$T/worker-other-cert.log")"
check "the sink saw both handshakes fail" 2 "$(evs "$m" 'e["ev"] == "tls-failed"')"
check "nothing after EHLO and STARTTLS: no AUTH, no MAIL, nothing accepted or refused" 0 \
	"$(evs "$m" 'e["ev"] not in ("ehlo", "tls-failed")')"
check "still one mail at the server" 1 "$(mails)"

# 4. No smtp_ca_file: the system's CA store does not know a self-signed certificate either.
worker system-ca
m=$(mark)
enrol T4 tls.systemca@example.org
wait_for "T4 dead after max_attempts (2) temporary failures" "dead 2" msg T4 "status, attempts"
check "the dead letter says it checked the system's CA store" 1 \
	"$(msg T4 error | grep -c "smtp: the server's certificate is not trusted (checked against the system's CA store): SSL certificate problem")"
check "the sink saw the handshakes fail and nothing else after EHLO" "2 0" \
	"$(evs "$m" 'e["ev"] == "tls-failed"') $(evs "$m" 'e["ev"] not in ("ehlo", "tls-failed")')"
check "still one mail at the server" 1 "$(mails)"

# 5. The operator fixes the configuration: a resend of the dead letter goes through.
worker node
id=$(msg T4 id)
utctl notify resend "$id" >/dev/null
wait_for "T4's resend mailed once the worker trusts the certificate" "sent email" \
	bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, channel FROM messages WHERE key = 'T4/1/confirmed/0/1#resend-1'\" | tr '|' ' '"
check "two mails at the server, both over TLS and authenticated" "2 2" \
	"$(mails) $(evs "$m0" 'e["ev"] == "accepted" and e["tls"] and e["user"] == "'"$SMTP_USER"'"')"
check "over the whole test: no password and no mail in clear text" 0 \
	"$(evs "$m0" 'not e["tls"] and e["ev"] in ("auth", "accepted", "refused")')"
check "the secrets never appear in the logs" 0 "$(cat "$T"/*.log | grep -c -F -e "$PASS" -e not-the-password)"

finish

# Delivery over real channels: SMTP to an aiosmtpd server on loopback (451 then 250 is retried
# with backoff, 550 is dead-lettered), a signed webhook to a Python HTTP sink (503 retried, 400
# dead, garbage retried until dead), spool for a cadre without email or phone.
source "$(dirname "$0")/lib.sh"

CLOCK=$T/clock
export UT_CLOCK_FILE=$CLOCK
set_clock() { date -d "TZ=\"Asia/Shanghai\" $1" +%s%3N >"$CLOCK.tmp" && mv "$CLOCK.tmp" "$CLOCK"; }
set_clock "2026-03-01 08:00"
# the clock file is frozen, so retries (due = now + backoff) need it to move: a ticker advances it
tick_clock() { while sleep 0.2; do echo $(($(cat "$CLOCK") + 1000)) >"$CLOCK.t1" && mv "$CLOCK.t1" "$CLOCK"; done; }

/usr/bin/python3 "$UT_SRC/tests/tools/notify_smtp_sink.py" --out "$T/mail" --port-file "$T/smtp.port" 2>"$T/smtp.log" &
PIDS[smtp]=$!
printf 'k3y-for-tests\n' >"$T/hook.secret"
/usr/bin/python3 "$UT_SRC/tests/tools/notify_http_sink.py" --out "$T/hook.jsonl" --port-file "$T/http.port" \
	--secret-file "$T/hook.secret" 2>"$T/http.log" &
PIDS[http]=$!
wait_until 30 test -s "$T/smtp.port" -a -s "$T/http.port" ||
	{ echo "the sinks did not start"; cat "$T/smtp.log" "$T/http.log"; exit 1; }

write_config "[notify]" "reminder_offsets = 3d" "quiet_hours =" "tick_ms = 100" \
	"templates_dir = $UT_SRC/deploy/templates" "spool_dir = spool" "channels = email,webhook,spool" \
	"smtp_url = smtp://127.0.0.1:$(cat "$T/smtp.port")" "smtp_from = training@union.example" \
	"webhook_url = http://127.0.0.1:$(cat "$T/http.port")/hook" "webhook_secret_file = $T/hook.secret" \
	"smtp_timeout_ms = 5000" "retry_base_ms = 300" "max_attempts = 3" "claim_idle_ms = 2000"
start_redis
start_daemon ut-schedd
start_daemon ut-notifyd
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w1 2>>"$T/worker1.log" &
PIDS[worker1]=$!
"$UT_BIN/ut-notifyd" --worker --config "$T/node.ini" --name w2 2>>"$T/worker2.log" &
PIDS[worker2]=$!
wait_until 30 notify_ready || { echo "ut-schedd and ut-notifyd did not answer"; exit 1; }
tick_clock &
PIDS[ticker]=$!

inject() { "$UT_TOOLS/ut-notify-inject" "$T/redis.sock" ut:ev:ut-enrold "test-node/ut-enrold/$1" "${@:2}" >/dev/null; }
field() { sql ut-notifyd "SELECT $2 FROM messages WHERE key = '$1/1/confirmed/0/1'"; }
mails() { find "$T/mail" -name '*.eml' 2>/dev/null | wc -l; }
hooks() { [[ -f $T/hook.jsonl ]] && wc -l <"$T/hook.jsonl" || echo 0; }

utctl course add --code SAFE-2026 --title 'An toàn lao động' --category safety >/dev/null
check_run "class scheduled" 0 '^class 1 created' utctl class add --course SAFE-2026 --capacity 50 --session '2026-03-10 09:00-12:00'
wait_for "notifyd knows class 1" "1" sql ut-notifyd "SELECT version FROM sched_classes WHERE id = 1"

n=0
for c in "E1 ok@example.org -" "E2 tempfail@example.org -" "E3 reject@example.org -" \
	"W1 - +8613800000001" "W2 - +5000000002" "W3 - +4000000003" "W4 - +6660000004" "S1 - -"; do
	read -r id mail phone <<<"$c"
	[[ $mail == - ]] && mail=''
	[[ $phone == - ]] && phone=''
	inject $((++n)) cadre-registered id="$id" name="Cán bộ $id" email="$mail" phone="$phone" locale=vi
done
for id in E1 E2 E3 W1 W2 W3 W4 S1; do inject $((++n)) enrol-confirmed cadre=$id class=1; done

# Email.
wait_for "E1 mailed at once" "sent email 1" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, channel, attempts FROM messages WHERE key = 'E1/1/confirmed/0/1'\" | tr '|' ' '"
wait_for "451 then 250: sent on the second attempt" "sent 2" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, attempts FROM messages WHERE key = 'E2/1/confirmed/0/1'\" | tr '|' ' '"
wait_for "550: dead-lettered after one attempt" "dead 1" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, attempts FROM messages WHERE key = 'E3/1/confirmed/0/1'\" | tr '|' ' '"
check "the dead letter says why" 1 "$(field E3 error | grep -c '550')"
check "two mails accepted by the server, none twice" 2 "$(mails)"
check_run "notify log --status dead lists it with the reason" 0 'dead +confirmed +E3 .*550' utctl notify log --status dead --cadre E3
m=$(grep -l 'E1_1_confirmed' "$T"/mail/*.eml)
check "subject decodes to the Vietnamese template" "Xác nhận đăng ký: An toàn lao động" \
	"$(/usr/bin/python3 -c 'import email,sys;from email.header import decode_header,make_header;m=email.message_from_binary_file(open(sys.argv[1],"rb"));print(str(make_header(decode_header(m["Subject"]))))' "$m")"
check "the invitation carries an .ics part" "text/calendar" \
	"$(/usr/bin/python3 -c 'import email,sys;m=email.message_from_binary_file(open(sys.argv[1],"rb"));print(" ".join(p.get_content_type() for p in m.walk() if p.get_filename()))' "$m")"
check "sent to the cadre's address" 1 "$(grep -c '^To: <ok@example.org>' "$m")"

# Webhook.
wait_for "W1 posted, signed" "sent webhook" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, channel FROM messages WHERE key = 'W1/1/confirmed/0/1'\" | tr '|' ' '"
wait_for "503 then 200: sent on the second attempt" "sent 2" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, attempts FROM messages WHERE key = 'W2/1/confirmed/0/1'\" | tr '|' ' '"
wait_for "400: dead at once" "dead 1" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, attempts FROM messages WHERE key = 'W3/1/confirmed/0/1'\" | tr '|' ' '"
wait_for "garbage answers: retried, then dead after max_attempts" "dead 3" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, attempts FROM messages WHERE key = 'W4/1/confirmed/0/1'\" | tr '|' ' '"
check "its error says it gave up" 1 "$(field W4 error | grep -c 'gave up after 3 attempts: webhook:')"
check "two valid signed posts at the gateway" 2 "$(hooks)"
check "the post carries the rendered text" 1 "$(grep -c '"to": "+8613800000001".*Kính gửi đồng chí Cán bộ W1' "$T/hook.jsonl")"
check "failed events for every dead letter" 3 "$(events ut-notifyd | awk '$3 == "EV_NOTIFY_FAILED"' | wc -l)"

# No email, no phone: the spool.
wait_for "S1 spooled" "sent spool" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, channel FROM messages WHERE key = 'S1/1/confirmed/0/1'\" | tr '|' ' '"
check "one spool file" 1 "$(find "$T/spool" -name '*.eml' | wc -l)"

# Opt-out per cadre and channel: E1 leaves email and falls back to the spool; undo brings it back.
check_run "opt E1 out of email" 0 '^cadre E1 no longer gets email messages' utctl notify optout E1 email
check_run "preview now picks the spool" 0 'Channel: spool' utctl notify preview confirmed E1 1
first=$(sql ut-notifyd "SELECT id FROM messages WHERE key = 'E1/1/confirmed/0/1'")
utctl notify resend "$first" >/dev/null
wait_for "the resend went to the spool, not to the mail server" "sent spool" bash -c "sqlite3 '$T/ut-notifyd.db' \"SELECT status, channel FROM messages WHERE key = 'E1/1/confirmed/0/1#resend-1'\" | tr '|' ' '"
check "still two mails at the server" 2 "$(mails)"
check_run "opt back in" 0 '^cadre E1 gets email messages' utctl notify optout E1 email --undo
check_run "preview picks email again" 0 'Channel: email' utctl notify preview confirmed E1 1
check_run "unknown channel refused with the channels" 2 "'pigeon' is not one of email, webhook, spool" utctl notify optout E1 pigeon
printf '{"cadre_id": "E1", "channel": "pigeon"}' >"$T/optout.json"
check_run "unknown channel refused by the daemon too" 1 "invalid: unknown channel 'pigeon'" utctl notify optout --input "$T/optout.json" 

finish

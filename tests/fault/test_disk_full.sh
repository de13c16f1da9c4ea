# ut-schedd on a run directory that fills up: requests are refused with `unavailable` (never a
# crash, never `internal`), what was acknowledged stays, the database passes its integrity check,
# and service resumes when space returns. Then a read-only run directory at start.
source "$(dirname "$0")/../integration/lib.sh"

RUN="$T/run"
mkdir -p "$RUN"
# room for the 2000 courses of the load below with their audit rows, then filled up on purpose
if ! mount -t tmpfs -o size=6M,mode=0700 tmpfs "$RUN" 2>/dev/null; then
	echo "# cannot mount a small tmpfs here (not root?): skipped"
	exit 77 # ctest reports it as skipped, not passed
fi
trap 'umount -l "$RUN" 2>/dev/null; cleanup' EXIT

write_config "[node]" "run_dir = run" "[redis]" "socket = $T/redis.sock"
start_redis
start_daemon ut-schedd
start_daemon ut-reportd
both_up() { utctl course list >/dev/null 2>&1 && "$UT_TOOLS/ut-rawsend" "ipc://$RUN/ut-reportd.sock" type MSG_STATUS >/dev/null; }
wait_until 30 both_up || { echo "ut-schedd and ut-reportd did not answer"; exit 1; }
check_run "course before the disk fills" 0 '' utctl course add --code D0 --title 'Disk drill' --category safety

dd if=/dev/zero of="$RUN/filler" bs=64k 2>/dev/null
acked=1 refused=0 other=0
for i in $(seq 1 400); do
	out=$(utctl course add --code "D$i" --title "$(printf 'x%.0s' $(seq 150))" --category safety 2>&1)
	case $? in
	0) acked=$((acked + 1)) ;;
	1) if grep -q 'unavailable' <<<"$out"; then refused=$((refused + 1)); else other=$((other + 1)); echo "# $out"; fi ;;
	*) other=$((other + 1)); echo "# $out" ;;
	esac
	((refused >= 5)) && break
done
echo "# disk full: $acked acknowledged, $refused refused as unavailable, $other otherwise"
((refused >= 5)) && ok "full disk refuses requests as unavailable" || fail "no request was refused as unavailable"
check "no other kind of failure" 0 "$other"
check_run "daemon still answers while the disk is full" 0 '' utctl course show D0

rm -f "$RUN/filler"
check_run "requests succeed once space returns" 0 '' utctl course add --code AFTER --title 'After' --category safety
check "every acknowledged course is stored" "$((acked + 1))" "$(sql run/ut-schedd 'SELECT count(*) FROM courses')"
check "database intact" ok "$(sql run/ut-schedd 'PRAGMA integrity_check')"

# A consumer that cannot write: it keeps the events pending, and applies them all, in order, as
# soon as space returns (not only when stuck entries would be reclaimed, 30 s later).
kill -STOP "${PIDS[ut-reportd]}"
"$UT_TOOLS/ut-load" -n 2000 -w 64 -p C "ipc://$RUN/ut-schedd.sock" >/dev/null
# the outbox keeps its newest row (it holds up the numbering): the rest is what waits
wait_for "events published" 0 sql run/ut-schedd 'SELECT max(count(*) - 1, 0) FROM ut_outbox'
dd if=/dev/zero of="$RUN/filler" bs=16k 2>/dev/null
full() { grep -c 'disk is full' "$T/ut-reportd.log"; }
more_full() { (($(full) > $1)); }
f0=$(full)
kill -CONT "${PIDS[ut-reportd]}"
wait_until 30 more_full "$f0" || fail "the consumer tries to apply the events on the full disk"
check_run "consumer still answers on a full disk" 0 '^ok' "$UT_TOOLS/ut-rawsend" "ipc://$RUN/ut-reportd.sock" type MSG_STATUS
courses=$(sql run/ut-schedd 'SELECT count(*) FROM courses')
held=$(sql run/ut-reportd 'SELECT count(*) FROM sched_courses')
((held < courses)) && ok "consumer on a full disk holds back ($held of $courses)" || fail "consumer applied all on a full disk"
rm -f "$RUN/filler"
wait_for "consumer applies every pending event once space returns" "$courses" \
	sql run/ut-reportd 'SELECT count(*) FROM sched_courses'
check "each applied once" "$courses" "$(sql run/ut-reportd 'SELECT count(*) FROM ut_inbox')"

# A run directory that is read-only when the daemon starts (a remount after disk errors): it
# refuses to start, says why, and touches nothing; it serves again once the directory is writable.
stop_daemon ut-reportd TERM
stop_daemon ut-schedd TERM
check "clean stop before the remount" 0 "$STOPPED_STATUS"
mount -o remount,ro "$RUN"
check_run "daemon refuses to start on a read-only run directory" 1 'ut-schedd.db' \
	timeout 10 "$UT_BIN/ut-schedd" --config "$T/node.ini"
mount -o remount,rw "$RUN"
start_daemon ut-schedd
wait_until 30 utctl course list >/dev/null
check_run "requests succeed once writable again" 0 '' utctl course add --code RW --title 'Writable' --category safety
check "nothing lost across it all" "$((acked + 2002))" "$(sql run/ut-schedd 'SELECT count(*) FROM courses')"
check "database intact after all" ok "$(sql run/ut-schedd 'PRAGMA integrity_check')"

finish

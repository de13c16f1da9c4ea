# Bad input at the door of a real node: every malformed frame gets one clear reply, nothing
# changes, and the daemons keep serving; a broken configuration stops a daemon with the line.
source "$(dirname "$0")/lib.sh"

start_node

for d in "${DAEMONS[@]}"; do
	check_run "$d: garbage frame gets invalid" 0 '^invalid malformed envelope' rawsend "$d" garbage 200
	check_run "$d: empty frame gets invalid" 0 '^invalid empty request' rawsend "$d" empty
	check_run "$d: truncated envelope gets invalid" 0 '^invalid malformed envelope' rawsend "$d" truncated
	check_run "$d: unknown message type gets invalid" 0 '^invalid .*does not handle message type 4242' rawsend "$d" type 4242
	check_run "$d: oversize request gets invalid" 0 '^invalid request too large' rawsend "$d" size 1100000
	check_run "$d: status still answers" 0 '^ok' rawsend "$d" type MSG_STATUS
done

# Bodies that do not decode as the message the type names.
check_run "course with a garbage body" 0 '^invalid malformed Course' rawsend ut-schedd body 100 $'\xff\xff\xff'
check_run "class with a garbage body" 0 '^invalid malformed ClassAdd' rawsend ut-schedd body 130 $'\x0a\x05ab'

# Rules the daemon enforces, sent past utctl's own checks.
check_run "course without a code" 0 '^invalid code is required' rawsend ut-schedd course "" 'Labour law' labour_law
check_run "course title with invalid UTF-8" 0 '^invalid title is not valid UTF-8' \
	rawsend ut-schedd course BAD1 $'Lu\xe1\xba\x74' labour_law
check_run "course with an unknown category" 0 '^invalid category "cooking" is not one of' \
	rawsend ut-schedd course BAD2 'Cooking' cooking
check_run "course accepted when valid" 0 '^ok' rawsend ut-schedd course LAW-1 '劳动法培训' labour_law
check_run "same course code again is a conflict" 0 '^conflict a course with code LAW-1 already exists' \
	rawsend ut-schedd course LAW-1 'Again' labour_law
check "only the valid course was stored" "1" "$(sql ut-schedd 'SELECT count(*) FROM courses')"

check_run "session ending before it starts" 0 '^invalid session ends' \
	rawsend ut-schedd class LAW-1 1772672400 1772665200
check_run "session on an unknown venue" 0 '^not_found no venue 77' \
	rawsend ut-schedd class LAW-1 1772672400 1772683200 77
check_run "class for an unknown course" 0 '^not_found no course NOPE' \
	rawsend ut-schedd class NOPE 1772672400 1772683200
check "no class was stored" "0" "$(sql ut-schedd 'SELECT count(*) FROM classes')"
check "no session was stored" "0" "$(sql ut-schedd 'SELECT count(*) FROM sessions')"

check_run "node still serving after all that" 0 '' utctl node status

# A configuration with a syntax error: the daemon refuses to start and names the line.
printf '[node]\nrun_dir = .\nthis line has no equals sign\n' >"$T/broken.ini"
check_run "broken config is refused with its line" 1 'broken.ini:3: expected key = value' \
	"$UT_BIN/ut-schedd" --config "$T/broken.ini"
printf '[rpc]\nbatch_max = lots\n' >"$T/broken2.ini"
check_run "non-number setting is refused with its line" 1 'broken2.ini:2: rpc.batch_max' \
	"$UT_BIN/ut-enrold" --config "$T/broken2.ini"

finish

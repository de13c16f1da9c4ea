# Org units and the cadre registry on a real node: the unit tree and the level rule's warning,
# cadres with Chinese and Vietnamese names (NFC-normalised, found without case or diacritics),
# changes, leaving, bad input refused with nothing changed, and one event per change.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/enrol_lib.sh"

write_config '[enrol]' 'node_level = county' 'city_min_employees = 500'
start_enrol_node

# ---- units ----
check_run "the node's own union" 0 '^unit 1 created \(XQ, level county\)' \
	utctl unit add --code XQ --name '海淀区总工会' --kind union
check_run "a small private enterprise, no warning" 0 '^unit 2 created \(ENT-1, level county\)$' \
	utctl unit add --code ENT-1 --name '华新机械有限公司' --kind enterprise --ownership non_public --employees 320 --parent XQ
check_run "a big private enterprise is accepted with a warning" 0 \
	'warning: ENT-2 is a non-public enterprise with 800 employees: .* belongs to the city, not to this county node' \
	utctl unit add --code ENT-2 --name 'Công ty TNHH Minh Phát' --kind enterprise --ownership non_public --employees 800 --parent XQ
check "it is placed at the city level" "city|1" "$(sql ut-enrold "SELECT level, parent_id FROM units WHERE code = 'ENT-2'")"
check_run "a school under the union" 0 '^unit 4 created' \
	utctl unit add --code SCH-1 --name 'Trường THCS Lê Lợi' --kind school --employees 60 --parent XQ
check_run "a public enterprise of 900 gets no warning" 0 '^unit 5 created \(ENT-3, level county\)$' \
	utctl unit add --code ENT-3 --name '市自来水公司' --kind enterprise --ownership public --employees 900 --parent XQ
check_run "duplicate unit code" 1 'conflict: a unit with code ENT-1 already exists' \
	utctl unit add --code ENT-1 --name 'Again' --kind school
check_run "unknown parent: utctl lists the units" 2 "unit 'NOPE' does not exist; there are: 海淀区总工会 \\(XQ\\)" \
	utctl unit add --code X9 --name 'X' --kind school --parent NOPE
check_run "unknown kind: utctl lists the kinds" 2 "--kind: 'factory' is not one of union, enterprise" \
	utctl unit add --code X9 --name 'X' --kind factory
check_run "bad ownership: utctl lists the choices" 2 "--ownership: 'mixed' is not one of public, non_public" \
	utctl unit add --code X9 --name 'X' --kind school --ownership mixed
# the daemon checks the same for any client: the request as JSON, past utctl's checks
printf '{"code": "X9", "name": "X", "kind": "school", "parent_code": "NOPE", "ownership": "public"}' >"$T/u1.json"
check_run "unknown parent, from any client" 1 'not_found: no parent unit NOPE' utctl unit add --input "$T/u1.json"
printf '{"code": "X9", "name": "X", "kind": "factory", "ownership": "public"}' >"$T/u2.json"
check_run "unknown kind, from any client" 1 'invalid: kind "factory" is not one of' utctl unit add --input "$T/u2.json"
printf '{"code": "X9", "name": "X", "kind": "school", "ownership": "mixed"}' >"$T/u3.json"
check_run "bad ownership, from any client" 1 'invalid: ownership' utctl unit add --input "$T/u3.json"
printf '{"code": "X9", "seats": 3}' >"$T/u4.json"
check_run "an unknown field in the JSON is refused by name" 2 "unknown field 'seats'" utctl unit add --input "$T/u4.json"
check_run "code with a blank" 1 'invalid: code' utctl unit add --code 'X 9' --name 'X' --kind school
check "refused units were not stored" 5 "$(sql ut-enrold 'SELECT count(*) FROM units')"
check "unit list is the tree, parent first" "XQ ENT-1 ENT-2 ENT-3 SCH-1" \
	"$(utctl --json unit list | grep -o '"code": "[^"]*"' | cut -d'"' -f4 | tr '\n' ' ' | sed 's/ $//')"
check_run "unit show by code" 0 'employees +800' utctl unit show ENT-2
check_run "unknown unit" 2 "unit 'ZZZ' does not exist; there are: " utctl unit show ZZZ
check_run "an enterprise grows past 500: the rule moves it to the city, with a warning" 0 \
	'warning: ENT-1 is a non-public enterprise with 520 employees: .* belongs to the city' \
	utctl unit change ENT-1 --employees 520
check "ENT-1 is now at the city level" "city|520" "$(sql ut-enrold "SELECT level, employees FROM units WHERE code = 'ENT-1'")"
check_run "and back below 500" 0 '^unit 2 changed \(ENT-1, level county\)$' utctl unit change ENT-1 --employees 320
check_run "move a unit under another" 0 'changed' utctl unit change SCH-1 --parent ENT-3
check_run "a unit cannot move under itself" 1 'invalid: ENT-3 cannot move under itself' \
	utctl unit change ENT-3 --parent ENT-3
check_run "nor under its own child" 1 'invalid: ENT-3 cannot move under SCH-1, which is below it' \
	utctl unit change ENT-3 --parent SCH-1
check_run "unit change with nothing" 1 'invalid: nothing to change' utctl unit change ENT-3
check_run "unit change of an unknown unit" 2 "unit 'NOPE' does not exist" utctl unit change NOPE --name X
check_run "back to the union" 0 'changed' utctl unit change SCH-1 --parent XQ

# ---- cadres ----
check_run "Chinese cadre" 0 '^cadre C001 registered \(王丽华, version 1\)' \
	utctl cadre add --id C001 --name '王丽华' --unit ENT-1 --position chair --elected 2024-05-10 --email wang@example.org
# "Hương" typed decomposed (u + combining horn + combining dot below ...) must be stored precomposed.
nfd=$(printf 'Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Hu\xcc\x9bo\xcc\x9bng')
check_run "Vietnamese cadre typed in NFD" 0 '^cadre C002 registered' \
	utctl cadre add --id C002 --name "$nfd" --unit ENT-2 --position vice_chair --part-time --locale vi --phone '+84 912 345 678'
check "the name is stored NFC" "$(printf 'Nguy\xe1\xbb\x85n Th\xe1\xbb\x8b H\xc6\xb0\xc6\xa1ng' | xxd -p)" \
	"$(sql ut-enrold "SELECT name FROM cadres WHERE id = 'C002'" | tr -d '\n' | xxd -p)"
check_run "a cadre with đ" 0 '^cadre C003 registered' \
	utctl cadre add --id C003 --name 'Trần Văn Đức' --unit SCH-1 --position finance_audit --elected 2019-03-01
check_run "another Chinese cadre" 0 '^cadre C004 registered' \
	utctl cadre add --id C004 --name '李建国' --unit XQ --position information_officer

search() { utctl --json cadre list --name "$1" | grep -o '"id": "[^"]*"' | cut -d'"' -f4 | tr '\n' ' ' | sed 's/ $//'; }
check "search without diacritics finds Hương" "C002" "$(search 'huong')"
check "search in capitals with diacritics" "C002" "$(search 'HƯƠNG')"
check "search d finds Đức" "C003" "$(search 'van duc')"
check "search with đ finds Đức too" "C003" "$(search 'Đức')"
check "Chinese fragment" "C001" "$(search '丽华')"
check "one character matches one" "C004" "$(search '建')"
check "nothing matches" "" "$(search 'smith')"
check "a % in the fragment is literal" "" "$(search '%')"
check "filter by unit" "C003" "$(utctl --json cadre list --unit SCH-1 | grep -o '"id": "[^"]*"' | cut -d'"' -f4)"
check_run "cadre show" 0 'unit +ENT-2' utctl cadre show C002

check_run "duplicate cadre id" 1 'conflict: cadre C001 is already registered \(王丽华\)' \
	utctl cadre add --id C001 --name 'X' --unit XQ --position chair
check_run "unknown unit" 2 "unit 'NOPE' does not exist; there are: " utctl cadre add --id C009 --name 'X' --unit NOPE --position chair
check_run "impossible date" 1 'invalid: elected_on "2025-02-30" is not a date' \
	utctl cadre add --id C009 --name 'X' --unit XQ --position chair --elected 2025-02-30
check_run "unknown position" 2 "--position: 'boss' is not one of chair, vice_chair" utctl cadre add --id C009 --name 'X' --unit XQ --position boss
printf '{"id": "C009", "name": "X", "unit_code": "XQ", "position": "boss"}' >"$T/c1.json"
check_run "unknown position, from any client" 1 'invalid: position "boss"' utctl cadre add --input "$T/c1.json"
check_run "bad email" 1 'invalid: email "nobody" is not an address' \
	utctl cadre add --id C009 --name 'X' --unit XQ --position chair --email nobody
check_run "bad locale" 2 "--locale: 'fr' is not one of zh-Hans, zh-Hant, vi, en" utctl cadre add --id C009 --name 'X' --unit XQ --position chair --locale fr
printf '{"id": "C009", "name": "X", "unit_code": "XQ", "position": "chair", "locale": "fr"}' >"$T/c2.json"
check_run "bad locale, from any client" 1 'invalid: locale "fr"' utctl cadre add --input "$T/c2.json"
check_run "a name of blanks" 1 'invalid: name is required' utctl cadre add --id C009 --name '   ' --unit XQ --position chair
check_run "id with a comma" 1 'invalid: cadre id' utctl cadre add --id 'C,9' --name 'X' --unit XQ --position chair
# protobuf-c refuses invalid UTF-8 in a string field while decoding
check_run "invalid UTF-8 name (past utctl's own check)" 0 '^invalid malformed Cadre' \
	rawsend ut-enrold body 210 $'\x0a\x04C009\x12\x03\xe1\xba\x74\x22\x06chair'
check "refused cadres were not stored" 4 "$(sql ut-enrold 'SELECT count(*) FROM cadres')"

check_run "change position and phone" 0 '^cadre C001 changed \(王丽华, version 2\)' \
	utctl cadre change C001 --position vice_chair --phone 010-12345678
check "the change is stored" "vice_chair|010-12345678|2" \
	"$(sql ut-enrold "SELECT position, phone, version FROM cadres WHERE id = 'C001'")"
check_run "move to another unit" 0 'version 3' utctl cadre change C001 --unit ENT-2
check_run "nothing to change" 1 'invalid: nothing to change' utctl cadre change C001
check_run "same values change nothing" 0 'version 3' utctl cadre change C001 --position vice_chair
check_run "change to a bad date" 1 'invalid: elected_on' utctl cadre change C001 --elected 2025-13-01
check_run "unknown cadre" 1 'not_found: no cadre C999' utctl cadre change C999 --position chair
check_run "leave" 0 '^cadre C004 has left' utctl cadre leave C004 --reason 'retired'
check_run "leave twice" 1 'conflict: cadre C004 has already left' utctl cadre leave C004
check_run "a cadre who left cannot be changed" 1 'conflict: cadre C004 has left' utctl cadre change C004 --phone 1
check "left cadres listed by state" "C004" "$(utctl --json cadre list --state left | grep -o '"id": "[^"]*"' | cut -d'"' -f4)"

# ---- events: one per change, none for refusals ----
wait_for "the last event reached the stream" 1 count_events EV_CADRE_LEFT
check "unit-added events" 5 "$(count_events EV_UNIT_ADDED)"
check "unit-changed events" 4 "$(count_events EV_UNIT_CHANGED)"
check "cadre-registered events" 4 "$(count_events EV_CADRE_REGISTERED)"
check "cadre-changed events" 2 "$(count_events EV_CADRE_CHANGED)"

# Every request type of ut-enrold: a body that does not decode, and an empty body, each get one
# clear answer and change nothing.
cadres=$(sql ut-enrold 'SELECT count(*) FROM cadres')
for t in 200 201 202 203 210 211 212 213 214 215 216 217 220 221 222 230 231 240; do
	check_run "type $t with a garbage body" 0 '^invalid malformed' rawsend ut-enrold body "$t" $'\xff\xff\xff'
	check_run "type $t with an empty body" 0 '^(ok|invalid|not_found) ' rawsend ut-enrold body "$t" ''
done
check "still the same cadres" "$cadres" "$(sql ut-enrold 'SELECT count(*) FROM cadres')"
check_run "ut-enrold still answers" 0 '^ok' rawsend ut-enrold type MSG_STATUS

check_run "help for cadre add" 0 'position' utctl cadre add --help
stop_daemon ut-enrold TERM
check "ut-enrold stops with exit 0 on SIGTERM" 0 "$STOPPED_STATUS"
finish

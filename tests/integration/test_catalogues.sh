# The catalogues (common/po): every msgid of the sources in POTFILES is in each of the four, each
# translated, formats matching their msgid (msgfmt --check); a word added to the sources without a
# translation fails here.
source "$(dirname "$0")/lib.sh"

pot="$T/ut.pot"
check_run "the template is made from the sources" 0 '' "$UT_SRC/common/po/xgettext.sh" "$pot"
n=$(grep -c '^msgid ' "$pot")
((n > 200)) && ok "the template has $n msgids" || fail "the template has only $n msgids"
for l in zh-Hans zh-Hant vi en; do
	po="$UT_SRC/common/po/$l.po"
	check_run "$l: formats match their msgids" 0 '' msgfmt --check -o /dev/null "$po"
	check_run "$l: every msgid is there and translated" 0 '' msgcmp "$po" "$pot"
	check "$l: nothing fuzzy" 0 "$(grep -c '^#, fuzzy' "$po")"
	stats=$(msgfmt --statistics -o /dev/null "$po" 2>&1)
	check "$l: no untranslated or fuzzy message ($stats)" 0 "$(grep -cE 'untranslated|fuzzy' <<<"$stats")"
done
# the check can fail: a catalogue without one msgid is caught
grep -v -x 'msgstr "班级 %s 已创建（第 %s 版）"' "$UT_SRC/common/po/zh-Hans.po" |
	sed 's/^msgid "class %s created (version %s)"$//' >"$T/short.po"
check_run "a catalogue missing a msgid is refused" 1 'used but not defined' msgcmp "$T/short.po" "$pot"
finish

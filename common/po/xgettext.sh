#!/usr/bin/env bash
# Write the template of every msgid (POTFILES) to $1: the words of the clients (_ and N_), the value
# words (NC_ in the "value" context) and the daemons' reply formats (ut_reply_err); and the words of
# the web console's pages, in the "web" context: t("...") in their modules, data-t="..." in their HTML.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
mapfile -t files < <(grep -v '^#' common/po/POTFILES | grep .)
c=$(mktemp --suffix=.pot) web=$(mktemp --suffix=.pot) html=$(mktemp --suffix=.js)
trap 'rm -f "$c" "$web" "$html"' EXIT
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-output \
	-k_ -kN_ -kNC_:1c,2 -kut_reply_err:3 --flag=ut_reply_err:3:c-format --flag=ut_cmd_fail:3:c-format \
	--flag=usage:2:c-format -o "$c" "${files[@]}"
www=services/ut-webd/www
# the HTML's data-t="..." as t("...") calls, so one JavaScript pass reads both
grep -ho 'data-t="[^"]*"' "$www"/*.html | sed 's/^data-t=\(.*\)$/t(\1);/' >"$html" || true
xgettext --from-code=UTF-8 --language=JavaScript --no-wrap --sort-output --omit-header -kt -o - \
	"$www"/*.js "$html" | awk '/^msgid / { print "msgctxt \"web\"" } { print }' >"$web"
msgcat --no-wrap --sort-output -o "$1" "$c" "$web"

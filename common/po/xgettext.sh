#!/usr/bin/env bash
# Write the template of every msgid (POTFILES) to $1: the words of the clients (_ and N_), the value
# words (NC_ in the "value" context) and the daemons' reply formats (ut_reply_err).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
mapfile -t files < <(grep -v '^#' common/po/POTFILES | grep .)
xgettext --from-code=UTF-8 --language=C --no-wrap --sort-output \
	-k_ -kN_ -kNC_:1c,2 -kut_reply_err:3 --flag=ut_reply_err:3:c-format --flag=ut_cmd_fail:3:c-format \
	--flag=usage:2:c-format -o "$1" "${files[@]}"

#!/usr/bin/env bash
# After changing words in the sources: merge the new template into each catalogue, then translate
# what msgmerge marks new or fuzzy (tests/integration/test_catalogues.sh fails until none is left).
set -euo pipefail
dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pot=$(mktemp --suffix=.pot)
trap 'rm -f "$pot"' EXIT
"$dir/xgettext.sh" "$pot"
for l in zh-Hans zh-Hant vi en; do
	msgmerge --quiet --no-wrap --no-location --sort-output --update --backup=none "$dir/$l.po" "$pot"
	sed -i -e "/^\"Report-Msgid-Bugs-To: /d" -e "/^\"POT-Creation-Date: /d" "$dir/$l.po" # no date churn
done

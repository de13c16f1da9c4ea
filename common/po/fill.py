#!/usr/bin/python3
"""Translate what update.sh left empty or fuzzy, from a table a translator writes.

    /usr/bin/python3 common/po/fill.py TABLE.py      # then: bash common/po/update.sh
    /usr/bin/python3 common/po/fill.py --missing     # list what is still untranslated

TABLE.py defines T = {(msgctxt or None, msgid): (zh_hans, vi)}, or with a third and fourth
element (en, zh_hant) where those differ from the msgid and from zh-Hans converted by OpenCC
(s2t). Plural entries take a tuple of forms for each language. Needs python3-polib and opencc.
"""
import subprocess
import sys

import polib

DIR = __file__.rsplit("/", 1)[0]
LANGS = ("zh-Hans", "vi", "en", "zh-Hant")


def to_hant(s):
    return subprocess.run(["opencc", "-c", "s2t.json"], input=s, capture_output=True, text=True, check=True).stdout


def untranslated(e):
    return "fuzzy" in e.flags or (not e.msgstr and not any(e.msgstr_plural.values()))


def missing():
    for lang in LANGS:
        for e in polib.pofile(f"{DIR}/{lang}.po"):
            if not e.obsolete and untranslated(e):
                print(f"{lang}\t{e.msgctxt or ''}\t{e.msgid!r}")


def fill(table):
    for i, lang in enumerate(LANGS):
        po = polib.pofile(f"{DIR}/{lang}.po", wrapwidth=0)
        n = 0
        for e in po:
            if e.obsolete or not untranslated(e) or (e.msgctxt, e.msgid) not in table:
                continue
            row = table[(e.msgctxt, e.msgid)]
            if i < 2:
                v = row[i]
            elif lang == "en":
                v = row[2] if len(row) > 2 and row[2] else (e.msgid, e.msgid_plural) if e.msgid_plural else e.msgid
            else:
                v = row[3] if len(row) > 3 and row[3] else (
                    tuple(to_hant(x) for x in row[0]) if isinstance(row[0], tuple) else to_hant(row[0]))
            if e.msgid_plural:
                forms = v if isinstance(v, tuple) else (v,)
                for k in e.msgstr_plural:
                    e.msgstr_plural[k] = forms[min(k, len(forms) - 1)]
            else:
                e.msgstr = v
            if "fuzzy" in e.flags:
                e.flags.remove("fuzzy")
            e.previous_msgid = e.previous_msgctxt = None
            n += 1
        po.save()
        subprocess.run(["msgcat", "--no-wrap", "--no-location", "--sort-output", "-o", f"{DIR}/{lang}.po",
                        f"{DIR}/{lang}.po"], check=True)
        with open(f"{DIR}/{lang}.po") as f:
            text = f.read()
        if text.startswith("#\n"):  # polib's empty header comment
            with open(f"{DIR}/{lang}.po", "w") as f:
                f.write(text[2:])
        print(f"{lang}: {n} filled")


if __name__ == "__main__":
    if sys.argv[1:] == ["--missing"]:
        missing()
    else:
        ns = {}
        exec(open(sys.argv[1]).read(), ns)
        fill(ns["T"])

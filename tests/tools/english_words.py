#!/usr/bin/python3
"""Print the English words left in stdin (an output of utctl in LOCALE) once the names given are
taken out: for zh-* any Latin word, for vi the words of the software's English vocabulary (every
msgid of the English catalogue), since Vietnamese shares its letters with English.

usage: english_words.py EN_PO LOCALE [NAME...] < output"""
import re
import sys

en_po, locale, names = sys.argv[1], sys.argv[2], sys.argv[3:]
text = sys.stdin.read()
for n in sorted(names, key=len, reverse=True):
    text = text.replace(n, " ")
# commands and the words typed to them belong to the protocol: utctl NOUN VERB, --options, and a
# value word in parentheses after the reader's word for it ("dự kiến (planned)"); dates and times
text = re.sub(r"utctl[:：]? *[a-z]+ [a-z]+|utctl|--[a-z-]+|\([a-z_]+\)|"
              r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9:]{5})?(-[0-9:]{5})?", " ", text)
vocab = set()
with open(en_po, encoding="utf-8") as f:
    for line in f:
        if line.startswith("msgid "):
            vocab.update(w.lower() for w in re.findall(r"[A-Za-z]{3,}", line[6:]))
vocab -= {"email", "json", "csv", "utf", "yyyy", "node", "ini", "deploy", "rpc"}
words = re.findall(r"(?<![\w-])[A-Za-z][A-Za-z_]{2,}(?![\w-])", text)
bad = sorted({w for w in words if locale.startswith("zh") or w.lower() in vocab})
print(" ".join(bad))

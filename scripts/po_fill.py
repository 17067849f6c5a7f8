"""Fill the translations of a gettext catalogue from a JSON table {msgid: translation}.

    python scripts/po_fill.py locale/zh_Hans/LC_MESSAGES/django.po new-strings.json

Entries named in the table get that translation (fuzzy marks dropped); the untranslated
rest is listed. An entry with a context (pgettext) is named "context\u0004msgid", as gettext
itself keys it. The .po file stays the source of truth: the table is a working aid.
"""

import json
import re
import sys
from pathlib import Path

MSGID = re.compile(r'^msgid ((?:".*"\n?)+)', re.M)
MSGCTXT = re.compile(r'^msgctxt ((?:".*"\n?)+)', re.M)
MSGSTR = re.compile(r'^msgstr (?:".*"\n?)+', re.M)
MSGSTR_PLURAL = re.compile(r'^msgstr\[0\] (?:".*"\n?)+', re.M)
OTHER_PLURALS = re.compile(r"^msgstr\[[1-9]\] .*\n?", re.M)


def unquote(block: str) -> str:
    return "".join(json.loads(line) for line in block.strip().split("\n"))


def translate_entry(entry: str, translation: str) -> str:
    quoted = json.dumps(translation, ensure_ascii=False)
    entry = entry.replace("#, fuzzy\n", "").replace(", fuzzy", "")
    entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
    if "msgid_plural" in entry:
        # Chinese has one plural form.
        entry = MSGSTR_PLURAL.sub(lambda _: f"msgstr[0] {quoted}\n", entry)
        entry = OTHER_PLURALS.sub("", entry)
    else:
        entry = MSGSTR.sub(lambda _: f"msgstr {quoted}\n", entry)
    return entry.rstrip("\n")


def fill(path: Path, table: dict[str, str]) -> list[str]:
    entries = path.read_text(encoding="utf-8").split("\n\n")
    missing, out = [], []
    for entry in entries:
        match = MSGID.search(entry)
        msgid = unquote(match.group(1)) if match else ""
        context = MSGCTXT.search(entry)
        if msgid and context:
            msgid = f"{unquote(context.group(1))}\x04{msgid}"
        if not msgid:  # the header
            entry = entry.replace('#, fuzzy\nmsgid ""', 'msgid ""', 1)
            entry = entry.replace('"Language: \\n"', '"Language: zh_Hans\\n"', 1)
        elif msgid in table:
            entry = translate_entry(entry, table[msgid])
        else:
            current = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', entry, re.M)
            if "#, fuzzy" in entry or not (current and unquote(current.group(1))):
                missing.append(msgid)
        out.append(entry)
    path.write_text("\n\n".join(out).rstrip("\n") + "\n", encoding="utf-8")
    return missing


if __name__ == "__main__":
    catalogue, table_file = Path(sys.argv[1]), Path(sys.argv[2])
    missing = fill(catalogue, json.loads(table_file.read_text(encoding="utf-8")))
    print(f"untranslated: {len(missing)}")
    for msgid in missing:
        print(f"  {msgid!r}")

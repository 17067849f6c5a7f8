"""Fill msgstr entries of a .po file from a dict (msgid -> translation). One-off helper."""
import re, sys, json

def unquote(block):
    return "".join(json.loads(line) for line in block.strip().split("\n"))

def quote(text):
    return json.dumps(text, ensure_ascii=False)

def fill(path, table):
    src = open(path, encoding="utf-8").read()
    entries = src.split("\n\n")
    missing = []
    out = []
    for entry in entries:
        m = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if not m or m.group(1).strip() == '""':
            out.append(entry); continue
        msgid = unquote(m.group(1))
        tr = table.get(msgid)
        # drop fuzzy flags once translated
        if tr is None:
            if re.search(r'^msgstr(\[0\])? ""\s*$', entry, re.M) and 'msgstr ""\n"' not in entry:
                missing.append(msgid)
            out.append(entry); continue
        entry = entry.replace("#, fuzzy\n", "").replace(", fuzzy", "")
        entry = re.sub(r'^#\| .*\n', '', entry, flags=re.M)
        if "msgid_plural" in entry:
            entry = re.sub(r'msgstr\[0\] (?:".*"\n?)+', lambda _m: "msgstr[0] " + quote(tr) + "\n", entry)
            entry = re.sub(r'^msgstr\[1\] .*\n?', '', entry, flags=re.M)
            entry = entry.rstrip("\n")
        else:
            entry = re.sub(r'^msgstr (?:".*"\n?)+', lambda _m: "msgstr " + quote(tr) + "\n", entry, flags=re.M).rstrip("\n")
        out.append(entry)
    text = "\n\n".join(out)
    text = text.replace("#, fuzzy\nmsgid \"\"", "msgid \"\"", 1)
    text = text.replace('"Language: \\n"', '"Language: zh_Hans\\n"', 1)
    out = [text]
    open(path, "w", encoding="utf-8").write("\n\n".join(out).rstrip("\n") + "\n")
    return missing

if __name__ == "__main__":
    table = json.load(open(sys.argv[2], encoding="utf-8"))
    missing = fill(sys.argv[1], table)
    print("untranslated:", len(missing))
    for m in missing: print("  ", repr(m))

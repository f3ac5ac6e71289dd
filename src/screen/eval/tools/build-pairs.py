#!/usr/bin/env python3
"""One-off generator of the generated rows of ../pairs.csv (Python 3, standard library only).

Reads the OFAC SDN fixture (src/screen/lists/testdata/ofac-sdn), picks entries with a seeded
random generator and writes each under one realistic treatment, the way clerks and other
systems write names: typos, transliteration under another scheme, Cyrillic script, legal-form
swaps, word order, joined and split words, abbreviations, case and punctuation. It also pairs
distinct SDN entries whose names share words but not their distinctive word, as hard
negatives. The hand-written rows (catalog entities, CJK, the issue's false alarms) are in
hand-rows.csv beside this file and are copied first.

    python3 src/screen/eval/tools/build-pairs.py > src/screen/eval/pairs.csv
"""
import csv, random, re, sys, os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
SDN = os.path.join(ROOT, "src/screen/lists/testdata/ofac-sdn/sdn.csv")
rng = random.Random(20260115)

rows = [r for r in csv.reader(open(SDN, encoding="utf-8")) if len(r) >= 4 and r[0].isdigit()]
orgs = [r for r in rows if r[2].strip() in ("-0-", "")]
people = [r for r in rows if r[2].strip() == "individual"]

LEGAL = [
    (r"\b(LIMITED LIABILITY COMPANY|LLC|OOO|OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU)\b", ["LLC", "OOO", "Limited Liability Company", "L.L.C."]),
    (r"\b(OPEN JOINT STOCK COMPANY|OJSC|OAO)\b", ["OJSC", "OAO", "Open Joint-Stock Company"]),
    (r"\b(CLOSED JOINT STOCK COMPANY|CJSC|ZAO)\b", ["CJSC", "ZAO", "Closed Joint Stock Company"]),
    (r"\b(JOINT[- ]STOCK COMPANY|JSC|AO)\b", ["JSC", "AO", "Joint Stock Company", "J.S.C."]),
    (r"\b(CO\., LTD\.|CO\. LTD\.|CO\., LIMITED|COMPANY LIMITED)", ["Co., Ltd.", "Company Limited", "Co Ltd"]),
    (r"\b(LIMITED|LTD\.?)$", ["Ltd", "Limited", "Ltd."]),
    (r"\b(S\.A\.|SA)$", ["S.A.", "SA", "Sociedad Anonima"]),
    (r"\b(INC\.?|INCORPORATED)$", ["Inc.", "Incorporated", "Corp."]),
    (r"\b(GMBH)$", ["GmbH", "Gesellschaft mit beschränkter Haftung"]),
]
ABBR = [("TECHNOLOGY", "Tech."), ("TECHNOLOGIES", "Tech."), ("INTERNATIONAL", "Intl"), ("COMPANY", "Co."), ("CORPORATION", "Corp."),
        ("INDUSTRIES", "Ind."), ("INDUSTRIAL", "Ind."), ("MANUFACTURING", "Mfg"), ("ENGINEERING", "Eng."), ("LIMITED", "Ltd"),
        ("TRADING", "Trdg"), ("SERVICES", "Svcs"), ("NATIONAL", "Natl"), ("GROUP", "Grp"), ("HOLDING", "Hldg"), ("HOLDINGS", "Hldgs")]
RUSSIAN_HINT = re.compile(r"(KH|ZH|SHCH|TS|IY\b|YA|YU|YE|SK\b|OV\b|EV\b|INSK|OGO\b|NAYA\b|NYY\b|NEFT|GAZ|PROM|STROY|BANK|ZAVOD)")
ENGLISH = {"GROUP", "CAPITAL", "PARTNERS", "INVESTMENT", "INVESTMENTS", "HOLDING", "HOLDINGS", "COMPANY", "INTERNATIONAL", "TRADING", "LIMITED",
           "SERVICES", "CORPORATION", "OF", "THE", "AND", "PEOPLE'S", "REPUBLIC", "MILITIA", "NIGHT", "WOLVES", "ENTERPRISE", "STATE", "FEDERAL",
           "UNITARY", "RESEARCH", "INSTITUTE", "DESIGN", "BUREAU", "CONCERN", "JOINT", "STOCK", "UNITED", "SCIENTIFIC", "PRODUCTION", "AIR", "DEFENSE"}
KEYS = "qwertyuiop asdfghjkl zxcvbnm".split()

def neighbour(c):
    for row in KEYS:
        i = row.find(c.lower())
        if i >= 0:
            j = i + rng.choice([-1, 1]) if 0 < i < len(row) - 1 else (1 if i == 0 else i - 1)
            return row[j].upper() if c.isupper() else row[j]
    return c

def typo(name):
    words = name.split()
    i = max(range(len(words)), key=lambda k: len(re.sub(r"\W", "", words[k])))
    w = words[i]
    if len(w) < 5: return None
    p = rng.randrange(1, len(w) - 2)
    kind = rng.choice(["sub", "del", "swap", "double"])
    if kind == "sub": w = w[:p] + neighbour(w[p]) + w[p + 1:]
    elif kind == "del": w = w[:p] + w[p + 1:]
    elif kind == "swap": w = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    else: w = w[:p] + w[p] + w[p:]
    words[i] = w
    return " ".join(words)

def swap_legal(name):
    for pat, alts in LEGAL:
        m = re.search(pat, name, re.I)
        if m:
            cur = m.group(0).upper().replace(" ", "")
            choices = [a for a in alts if a.upper().replace(" ", "") != cur]
            new = re.sub(pat, rng.choice(choices), name, count=1, flags=re.I)
            return re.sub(r"\s+", " ", new).strip(" ,")
    return None

def add_legal(name):
    return f"{name} {rng.choice(['Ltd', 'LLC', 'Inc.', 'Co., Ltd.', 'GmbH', 'S.A.', 'JSC'])}"

def reorder(name, person):
    if person and "," in name:
        last, first = name.split(",", 1)
        return f"{first.strip()} {last.strip().title()}"
    words = name.replace(",", "").split()
    if len(words) < 2: return None
    return " ".join(words[1:] + words[:1])

def join_words(name):
    words = name.replace(",", "").split()
    idx = [i for i in range(len(words) - 1) if len(words[i]) >= 3 and len(words[i + 1]) >= 3 and words[i].isalpha() and words[i + 1].isalpha()]
    if not idx: return None
    i = rng.choice(idx)
    return " ".join(words[:i] + [words[i] + words[i + 1]] + words[i + 2:])

def split_word(name):
    words = name.replace(",", "").split()
    idx = [i for i, w in enumerate(words) if len(w) >= 9 and w.isalpha()]
    if not idx: return None
    i = rng.choice(idx)
    w = words[i]
    for suffix in ("BANK", "NEFT", "GAZ", "PROM", "TRANS", "STROY", "INVEST", "SERVICE", "TRADE", "TECH", "ENERGO", "MASH"):
        k = w.find(suffix, 3)
        if 3 <= k <= len(w) - 3:
            return " ".join(words[:i] + [w[:k], w[k:]] + words[i + 1:])
    k = len(w) // 2
    return " ".join(words[:i] + [w[:k], w[k:]] + words[i + 1:])

def abbreviate(name):
    for full, short in ABBR:
        if re.search(rf"\b{full}\b", name):
            return re.sub(rf"\b{full}\b", short, name, count=1)
    return None

SCHEMES = [  # BGN-style spellings as other schemes write them
    ("icao", [("SHCH", "SHCH"), ("IY\\b", "II"), ("YY\\b", "YI"), ("YA", "IA"), ("YU", "IU"), ("YE", "E"), ("YO", "E")]),
    ("scholarly", [("SHCH", "ŠČ"), ("KH", "X"), ("ZH", "Ž"), ("CH", "Č"), ("SH", "Š"), ("TS", "C"), ("IY\\b", "IJ"), ("YA", "JA"), ("YU", "JU"), ("YE", "JE")]),
    ("iso9", [("SHCH", "Ŝ"), ("KH", "H"), ("ZH", "Ž"), ("CH", "Č"), ("SH", "Š"), ("TS", "C"), ("IY\\b", "IJ"), ("YA", "Â"), ("YU", "Û")]),
    ("gost-b", [("SHCH", "SHH"), ("KH", "X"), ("TS", "C"), ("IY\\b", "IJ")]),
    ("german", [("SHCH", "SCHTSCH"), ("KH", "CH"), ("ZH", "SCH"), ("SH", "SCH"), ("TS", "Z"), ("V", "W"), ("IY\\b", "I")]),
]

def retransliterate(name):
    if not RUSSIAN_HINT.search(name): return None
    rules = list(SCHEMES)
    rng.shuffle(rules)
    for scheme, subs in rules:
        out = name
        for a, b in subs: out = re.sub(a, b, out)
        if out != name: return out, scheme
    return None

LAT2CYR = [("SHCH", "Щ"), ("ZH", "Ж"), ("KH", "Х"), ("TS", "Ц"), ("CH", "Ч"), ("SH", "Ш"), ("YA", "Я"), ("YU", "Ю"), ("YO", "Ё"), ("YE", "Е"),
           ("IY", "ИЙ"), ("YY", "ЫЙ"), ("A", "А"), ("B", "Б"), ("V", "В"), ("G", "Г"), ("D", "Д"), ("E", "Е"), ("Z", "З"), ("I", "И"), ("K", "К"),
           ("L", "Л"), ("M", "М"), ("N", "Н"), ("O", "О"), ("P", "П"), ("R", "Р"), ("S", "С"), ("T", "Т"), ("U", "У"), ("F", "Ф"), ("Y", "Ы"),
           ("C", "К"), ("X", "КС"), ("W", "В"), ("H", "Х"), ("J", "Ж"), ("Q", "К")]
LEGAL_CYR = {"LLC": "ООО", "OOO": "ООО", "OJSC": "ОАО", "OAO": "ОАО", "JSC": "АО", "AO": "АО", "CJSC": "ЗАО", "ZAO": "ЗАО", "PJSC": "ПАО", "PAO": "ПАО"}

def cyrillic(name):
    words = [w for w in re.split(r"[\s,]+", name.upper().replace("'", "").replace('"', "")) if w]
    if not words or not RUSSIAN_HINT.search(name) or any(w in ENGLISH for w in words): return None
    out = []
    for w in words:
        if w in LEGAL_CYR: out.append(LEGAL_CYR[w]); continue
        if not re.fullmatch(r"[A-Z-]+", w): return None
        s, i = "", 0
        while i < len(w):
            for a, b in LAT2CYR:
                if w.startswith(a, i):
                    # Y after a vowel is Й
                    if a == "Y" and s and s[-1] in "АЕЁИОУЫЭЮЯ": b = "Й"
                    s += b; i += len(a); break
            else:
                s += w[i]; i += 1
        out.append(s)
    text = " ".join(out)
    return text[:1] + text[1:].lower() if rng.random() < 0.5 else text

def noise(name):
    out = name.lower() if rng.random() < 0.5 else name.title()
    out = out.replace(",", "").replace(".", "")
    return out if out.replace(" ", "") != name.replace(" ", "") or out != name else None

TREATMENTS = [("typo", typo), ("legal-form", None), ("word-order", None), ("joined", join_words), ("split", split_word),
              ("abbreviation", abbreviate), ("transliteration", None), ("cyrillic", cyrillic), ("case-punctuation", noise)]

out = csv.writer(sys.stdout, lineterminator="\n")
hand = list(csv.reader(open(os.path.join(HERE, "hand-rows.csv"), encoding="utf-8")))
out.writerow(hand[0])
for r in hand[1:]: out.writerow(r)
# the legal names of the covered entities (issue 12, class 3), each with its source in the note
for r in list(csv.reader(open(os.path.join(HERE, "legal-name-rows.csv"), encoding="utf-8")))[1:]: out.writerow(r)

used = set()
quota = {"typo": 75, "legal-form": 65, "word-order": 55, "joined": 35, "split": 35, "abbreviation": 35, "transliteration": 65, "cyrillic": 45, "case-punctuation": 25}
pool = orgs[:]
rng.shuffle(pool)
for treatment, fn in TREATMENTS:
    n = 0
    candidates = pool if treatment not in ("word-order", "transliteration") else pool + people
    if treatment in ("transliteration", "cyrillic"):
        candidates = [r for r in candidates if RUSSIAN_HINT.search(r[1])]
    if treatment == "word-order":
        candidates = people[:] + pool
        rng.shuffle(candidates)
    for r in candidates:
        if n >= quota[treatment]: break
        num, name = r[0], r[1].strip()
        if num in used or len(name) > 70: continue
        person = r[2].strip() == "individual"
        note = ""
        if treatment == "legal-form":
            new = swap_legal(name) or (add_legal(name) if rng.random() < 0.4 and not person else None)
        elif treatment == "word-order":
            new = reorder(name, person)
        elif treatment == "transliteration":
            got = retransliterate(name)
            new, note = (got if got else (None, ""))
        else:
            new = fn(name)
        if not new or new.upper() == name.upper() and treatment != "case-punctuation": continue
        used.add(num)
        out.writerow([new, "", f"ofac-sdn:{num}", "1", treatment, note or name])
        n += 1

# hard negatives: distinct SDN organizations that share a word but not their distinctive word
by_word = {}
STOP = {"THE", "OF", "AND", "CO", "LTD", "LIMITED", "LLC", "INC", "SA", "S.A.", "DE", "COMPANY", "CORPORATION", "GROUP", "TRADING", "INTERNATIONAL", "AL", "EL"}
def words(n): return [w for w in re.findall(r"[A-Z0-9]+", n.upper()) if w not in STOP and len(w) > 2]
for r in orgs:
    for w in set(words(r[1])): by_word.setdefault(w, []).append(r)
neg = 0
shuffled = orgs[:]
rng.shuffle(shuffled)
seen_pairs = set()
for a in shuffled:
    if neg >= 260: break
    wa = set(words(a[1]))
    if len(wa) < 2: continue
    options = []
    for w in wa:
        for b in by_word.get(w, []):
            if b[0] == a[0]: continue
            wb = set(words(b[1]))
            if len(wb) < 2 or wa <= wb or wb <= wa: continue
            if len(wa & wb) >= 1 and len(wa - wb) >= 1 and len(wb - wa) >= 1 and len(wa & wb) >= len(wa) / 2:
                options.append(b)
    if not options: continue
    b = rng.choice(options)
    key = tuple(sorted((a[0], b[0])))
    if key in seen_pairs: continue
    seen_pairs.add(key)
    out.writerow([a[1].strip(), "", f"ofac-sdn:{b[0]}", "0", "hard-negative-list", f"another listed entity: {b[1].strip()}"])
    neg += 1

# hard negatives against the catalog's covered entities: real listed organizations (SDN) whose
# names share a word with a covered entity's names (Technology, Communications, Telecom, China,
# Mobile, Digital, Pacific, Network, Lab ...) but are other companies. The SDN sample holds no
# entry of these groups (no Huawei, ZTE, Hytera, Hikvision, Dahua or Kaspersky), so none is a
# true match.
COVERED = {
    "catalog:huawei": ["HUAWEI", "TECHNOLOGIES", "TECHNOLOGY", "SHENZHEN"],
    "catalog:zte": ["ZTE", "ZHONGXING", "TELECOM", "TELECOMMUNICATION", "TELECOMMUNICATIONS", "EQUIPMENT"],
    "catalog:hytera": ["HYTERA", "COMMUNICATIONS", "COMMUNICATION", "RADIO"],
    "catalog:hikvision": ["HIKVISION", "DIGITAL", "VISION", "HANGZHOU", "TECHNOLOGY"],
    "catalog:dahua": ["DAHUA", "TECHNOLOGY", "ZHEJIANG", "HUA"],
    "catalog:china-mobile": ["CHINA", "MOBILE", "INTERNATIONAL"],
    "catalog:china-telecom": ["CHINA", "TELECOM", "AMERICAS"],
    "catalog:china-unicom": ["CHINA", "UNICOM", "OPERATIONS"],
    "catalog:pacific-networks": ["PACIFIC", "NETWORKS", "NETWORK"],
    "catalog:ao-kaspersky-lab|catalog:kaspersky": ["LAB", "LABORATORY", "LABORATORIYA", "KASPERSKY"],
}
BRANDS = re.compile(r"HUAWEI|\bZTE\b|HYTERA|HIKVISION|DAHUA|KASPERSK|UNICOM|CHINA MOBILE|CHINA TELECOM|PACIFIC NETWORKS|COMNET")
cat_neg = 0
for entity, wanted in COVERED.items():
    pool = [r for r in orgs if not BRANDS.search(r[1].upper()) and set(re.findall(r"[A-Z]+", r[1].upper())) & set(wanted) and len(r[1]) <= 70]
    rng.shuffle(pool)
    for r in pool[:16]:
        out.writerow([r[1].strip(), "", entity, "0", "hard-negative-covered", f"listed organization sharing a word with the entity (OFAC SDN {r[0]})"])
        cat_neg += 1

"""Independent scorer for chinatech extraction output, written only from
tests/gold/README.md ("How a match is counted") and the task brief, by someone who
had not read chinatech.evaluate: test_evaluate checks the two agree (issue 4).

Usage:  python score.py PRED_DIR GOLD_DIR      -> JSON on stdout

Interpretation choices where the README is silent (each marked "CHOICE"):

* CHOICE name normalisation: NFKC, lower-case, every Unicode punctuation
  character (category P*) is *deleted* (so "Go-Jek" -> "gojek", "U.S." -> "us"),
  whitespace collapsed, one leading "the" dropped, then trailing corporate
  suffix tokens {inc, ltd, corp, group, holdings, co} dropped repeatedly
  ("Foo Co., Ltd." -> "foo").  If that would leave nothing, the unstripped form
  is kept.  The same normalisation applies to every table's names.
* Surface forms: a gold item's forms are its name plus its aliases; a predicted
  row's forms are its name plus its ';'-joined aliases/terms column.  Two items
  match when their normalised form sets intersect.
* Gold `sources` are added to the *optional* companies (brief).  Optional
  items come from the `optional:` block of the same key.
* CHOICE one-to-one: TP = size of a maximum bipartite matching between the
  document's gold items and predicted rows (one predicted row credits at most
  one gold item).  A predicted row not used by the matching is *not* a false
  positive if it matches some gold item (a duplicate: "counts once") or some
  optional item; otherwise it is an FP.  FN = gold items left unmatched.
  Optional items never enter TP/FP/FN.
* Rows whose doc_id has no gold file are ignored (they cannot be judged);
  gold files with no predicted rows contribute all their items as FN.
* Metrics: same doc; unit class = the code itself for ISO-4217-looking units
  (three upper-case letters, compared exactly), "percent" exactly, and every
  other non-empty unit is one "counted noun" class.  CHOICE an empty predicted
  unit is a bare count and falls in the counted-noun class.  Value: point gold
  needs a predicted point value v with |v-g| <= 0.01*|g|; CHOICE a range gold
  (value null, value_min/value_max set) needs a predicted range whose both ends
  are within 1% of the gold ends; a point never matches a range or vice versa.
  When the predicted row has `value` empty but a min/max it is a range.
* CHOICE "names" (subject, maker, attribution): both strings are normalised
  as names and tokenised on whitespace; the prediction names an accepted form
  when the form's token sequence occurs contiguously inside the prediction's
  token sequence (equality included).  E.g. "Eric Schmidt Google" names
  "Eric Schmidt"; "China" does NOT name "China 5G pilot cities".
  Accepted forms for a gold string s = {s} plus name+aliases of every entity of
  the file (gold and optional) one of whose forms normalises equal to s.
  Entity pools: subject -> companies, sources, products, people, trends;
  maker -> companies, sources; attribution -> people, sources, companies
  (README).  CHOICE maker is a company *name*, so it uses the README name
  rule (normalised equality with the gold maker or one of its aliases), not
  containment: "Activision Blizzard" is not maker "Activision".
  Gold null and predicted empty is right; gold null and predicted non-empty
  (or the reverse) is wrong.
* Extras are computed over the TP pairs of the matching (predicted rows are
  tried in file order).  Denominator = TP count; null when TP = 0.
* Claims: words = lower-case NFKC text with apostrophes (' and U+2019) removed,
  then runs of \\w characters.  Coverage of gold claim g by returned text r =
  |multiset(words(g)) & multiset(words(r))| / |words(g)| >= 0.5.  Same doc only.
  Recall = gold claims covered / gold claims (optional excluded).
  Precision = returned claims covering some gold or optional claim / returned.
  Reported tp = returned claims counted right, fp = returned - tp,
  fn = gold claims not covered, plus gold and matched (= covered gold).
  Attribution accuracy: per covered gold claim, the returned claim with the
  highest coverage (first in file order on ties) is judged; denominator =
  covered gold claims.
"""
from __future__ import annotations

import csv
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

import yaml

SUFFIXES = {"inc", "ltd", "corp", "group", "holdings", "co"}
TABLES = ["companies", "products", "people", "metrics", "trends", "claims"]


# ---------------------------------------------------------------- helpers
def norm(s) -> str:
    if s is None:
        return ""
    s = unicodedata.normalize("NFKC", str(s)).lower()
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("P"))
    toks = s.split()
    orig = list(toks)
    if toks and toks[0] == "the":
        toks = toks[1:]
    while toks and toks[-1] in SUFFIXES:
        toks = toks[:-1]
    if not toks:
        toks = orig
    return " ".join(toks)


def forms_of_gold(item) -> set:
    out = set()
    if not isinstance(item, dict):
        return out
    for k in ("name",):
        if item.get(k):
            out.add(norm(item[k]))
    for a in item.get("aliases") or []:
        if a is not None and str(a).strip():
            out.add(norm(a))
    out.discard("")
    return out


def split_forms(cell) -> list:
    if not cell:
        return []
    return [p for p in (x.strip() for x in cell.split(";")) if p]


def cell(row, key):
    v = row.get(key)
    if v is None:
        return None
    v = v.strip()
    return v if v != "" else None


def to_float(v):
    if v is None:
        return None
    try:
        return float(v)
    except ValueError:
        return None


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def max_matching(n_gold, cand, cost=None):
    """cand[j] = gold indices pred j may take.  Returns dict gold -> pred.
    CHOICE pairing: first a greedy pass over all (pred, gold) candidate pairs
    sorted by cost (best pairs first; ties by gold then pred file order), then
    Kuhn augmenting paths from still-unpaired preds so the matching is maximum.
    The pairing only matters for the accuracy extras and for one pred that
    could credit two gold items."""
    owner = {}
    pairs = sorted(((cost(j, g) if cost else 0, g, j) for j in range(len(cand)) for g in cand[j]))
    taken = set()
    for _, g, j in pairs:
        if g not in owner and j not in taken:
            owner[g] = j
            taken.add(j)

    def try_assign(j, seen):
        for g in sorted(cand[j], key=lambda g: cost(j, g) if cost else 0):
            if g in seen:
                continue
            seen.add(g)
            if g not in owner or try_assign(owner[g], seen):
                owner[g] = j
                return True
        return False

    for j in range(len(cand)):
        if cand[j] and j not in taken:
            if try_assign(j, set()):
                taken.add(j)
    return owner


def names(pred_text, accepted: set) -> bool:
    pt = norm(pred_text).split()
    if not pt:
        return False
    for a in accepted:
        at = a.split()
        if not at:
            continue
        n = len(at)
        for i in range(len(pt) - n + 1):
            if pt[i:i + n] == at:
                return True
    return False


def accepted_forms(gold_value, pools) -> set:
    g = norm(gold_value)
    acc = {g}
    for item in pools:
        f = forms_of_gold(item)
        if g in f:
            acc |= f
    acc.discard("")
    return acc


def judge_names(pred_value, gold_value, pools, exact=False) -> bool:
    pv = (pred_value or "").strip()
    if gold_value is None or str(gold_value).strip() == "":
        return pv == ""
    if pv == "":
        return False
    acc = accepted_forms(gold_value, pools)
    if exact:
        return norm(pv) in acc
    return names(pv, acc)


# ---------------------------------------------------------------- loading
def load_gold(gold_dir):
    gold = {}
    for fn in sorted(os.listdir(gold_dir)):
        if not fn.endswith((".yaml", ".yml")):
            continue
        with open(os.path.join(gold_dir, fn), encoding="utf-8") as fh:
            d = yaml.safe_load(fh) or {}
        doc = str(d.get("doc_id") or os.path.splitext(fn)[0])
        gold[doc] = d
    return gold


def load_pred(pred_dir, table):
    path = os.path.join(pred_dir, f"{table}.csv")
    rows = defaultdict(list)
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            rows[(r.get("doc_id") or "").strip()].append(r)
    return rows


def lst(d, key):
    v = d.get(key) if isinstance(d, dict) else None
    return [x for x in (v or []) if x is not None]


def opt(d, key):
    return lst(d.get("optional") or {}, key)


def pool(d, keys):
    out = []
    for k in keys:
        out += lst(d, k) + opt(d, k)
    return out


# ---------------------------------------------------------------- entity tables
ENTITY = {
    # table: (pred name column, pred alias column or None)
    "companies": ("company", "aliases"),
    "products": ("product", "aliases"),
    "people": ("person", None),
    "trends": ("trend", "terms"),
}


def score_entities(table, gold, pred):
    name_col, alias_col = ENTITY[table]
    tp = fp = fn = 0
    extra_right = extra_n = 0
    details = {"fp": [], "fn": [], "tp": [], "extra_wrong": []}
    for doc, g in gold.items():
        gitems = lst(g, table)
        oitems = opt(g, table)
        if table == "companies":
            oitems = oitems + lst(g, "sources")
        gforms = [forms_of_gold(x) for x in gitems]
        oforms = [forms_of_gold(x) for x in oitems]
        prow = pred.get(doc, [])
        pforms = []
        for r in prow:
            f = {norm(cell(r, name_col))} if cell(r, name_col) else set()
            if alias_col:
                f |= {norm(a) for a in split_forms(r.get(alias_col))}
            f.discard("")
            pforms.append(f)
        cand = [[i for i, gf in enumerate(gforms) if gf & pf] for pf in pforms]
        pnames = [norm(cell(r, name_col)) for r in prow]
        gnames = [norm(x.get("name")) for x in gitems]
        owner = max_matching(len(gitems), cand,
                             lambda j, i: 0 if pnames[j] == gnames[i] else 1)
        used = set(owner.values())
        tp += len(owner)
        fn += len(gitems) - len(owner)
        for i, it in enumerate(gitems):
            if i not in owner:
                details["fn"].append((doc, it.get("name")))
            else:
                details["tp"].append((doc, it.get("name"), cell(prow[owner[i]], name_col)))
        for j, pf in enumerate(pforms):
            if j in used or cand[j]:
                continue
            if any(of & pf for of in oforms):
                continue
            fp += 1
            details["fp"].append((doc, cell(prow[j], name_col)))
        if table == "products":
            pools = pool(g, ["companies", "sources"])
            for i, j in owner.items():
                extra_n += 1
                ok = judge_names(cell(prow[j], "maker"), gitems[i].get("maker"), pools, exact=True)
                extra_right += ok
                if not ok:
                    details["extra_wrong"].append(
                        (doc, gitems[i].get("name"), gitems[i].get("maker"), cell(prow[j], "maker")))
    p, r, f = prf(tp, fp, fn)
    out = {"table": table, "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}
    if table == "products":
        out["maker_accuracy"] = extra_right / extra_n if extra_n else None
    return out, details


# ---------------------------------------------------------------- metrics
CURRENCY = re.compile(r"^[A-Z]{3}$")


def unit_class(u):
    u = (u or "").strip()
    if CURRENCY.match(u):
        return "cur:" + u
    if u == "percent":
        return "percent"
    return "noun"  # CHOICE: includes empty unit


def close(p, g):
    if p is None or g is None:
        return False
    return abs(p - g) <= 0.01 * abs(g) + 1e-12


def metric_match(prow, gm):
    if unit_class(cell(prow, "unit")) != unit_class(gm.get("unit")):
        return False
    pv = to_float(cell(prow, "value"))
    pmin, pmax = to_float(cell(prow, "value_min")), to_float(cell(prow, "value_max"))
    gv = gm.get("value")
    if gv is not None:
        return pv is not None and close(pv, float(gv))
    gmin, gmax = gm.get("value_min"), gm.get("value_max")
    if gmin is None or gmax is None:
        return False
    if pv is not None and (pmin is None or pmax is None):
        return False
    return close(pmin, float(gmin)) and close(pmax, float(gmax))


def metric_cost(prow, gm):
    """CHOICE pairing preference: smaller relative value error first, then
    larger word overlap between the predicted text and the gold span."""
    gv = gm.get("value")
    pv = to_float(cell(prow, "value"))
    err = abs(pv - gv) / abs(gv) if gv and pv is not None else 0.0
    gw, pw = Counter(words(gm.get("text"))), Counter(words(cell(prow, "text")))
    ov = sum((gw & pw).values()) / max(1, sum(gw.values()))
    return (round(err, 9), -ov)


def score_metrics(gold, pred):
    tp = fp = fn = 0
    sr = sn = 0
    details = {"fp": [], "fn": [], "tp": [], "extra_wrong": []}
    for doc, g in gold.items():
        gm = lst(g, "metrics")
        om = opt(g, "metrics")
        prow = pred.get(doc, [])
        cand = [[i for i, x in enumerate(gm) if metric_match(r, x)] for r in prow]
        owner = max_matching(len(gm), cand, lambda j, i: metric_cost(prow[j], gm[i]))
        used = set(owner.values())
        tp += len(owner)
        fn += len(gm) - len(owner)
        for i, x in enumerate(gm):
            if i not in owner:
                details["fn"].append((doc, x.get("text"), x.get("value"), x.get("unit")))
        for j, r in enumerate(prow):
            if j in used or cand[j]:
                continue
            if any(metric_match(r, x) for x in om):
                continue
            fp += 1
            details["fp"].append((doc, cell(r, "text"), cell(r, "value"), cell(r, "unit")))
        pools = pool(g, ["companies", "sources", "products", "people", "trends"])
        for i, j in owner.items():
            sn += 1
            ok = judge_names(cell(prow[j], "subject"), gm[i].get("subject"), pools)
            sr += ok
            details["tp"].append((doc, gm[i].get("text"), cell(prow[j], "text")))
            if not ok:
                details["extra_wrong"].append(
                    (doc, gm[i].get("text"), gm[i].get("subject"), cell(prow[j], "subject")))
    p, r, f = prf(tp, fp, fn)
    return ({"table": "metrics", "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp,
             "fn": fn, "subject_accuracy": sr / sn if sn else None}, details)


# ---------------------------------------------------------------- claims
def words(s):
    s = unicodedata.normalize("NFKC", s or "").lower().replace("'", "").replace("\u2019", "")
    return re.findall(r"\w+", s)


def coverage(gold_text, ret_text):
    gw = Counter(words(gold_text))
    n = sum(gw.values())
    if not n:
        return 0.0
    rw = Counter(words(ret_text))
    return sum((gw & rw).values()) / n


def score_claims(gold, pred):
    ngold = matched = right = returned = 0
    ar = an = 0
    details = {"fp": [], "fn": [], "tp": [], "extra_wrong": []}
    for doc, g in gold.items():
        gc = lst(g, "claims")
        oc = opt(g, "claims")
        prow = pred.get(doc, [])
        texts = [cell(r, "text") or "" for r in prow]
        ngold += len(gc)
        returned += len(prow)
        pools = pool(g, ["people", "sources", "companies"])
        for x in gc:
            covs = [coverage(x.get("text"), t) for t in texts]
            best = max(range(len(covs)), key=lambda k: (covs[k], -k)) if covs else None
            if best is not None and covs[best] >= 0.5:
                matched += 1
                an += 1
                ok = judge_names(cell(prow[best], "attributed_to"), x.get("attributed_to"), pools)
                ar += ok
                if not ok:
                    details["extra_wrong"].append(
                        (doc, x.get("text")[:60], x.get("attributed_to"),
                         cell(prow[best], "attributed_to")))
            else:
                details["fn"].append((doc, x.get("text")))
        for t in texts:
            if any(coverage(x.get("text"), t) >= 0.5 for x in gc + oc):
                right += 1
            else:
                details["fp"].append((doc, t))
    p = right / returned if returned else 0.0
    r = matched / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return ({"table": "claims", "precision": p, "recall": r, "f1": f, "tp": right,
             "fp": returned - right, "fn": ngold - matched, "gold": ngold, "matched": matched,
             "attribution_accuracy": ar / an if an else None}, details)


# ---------------------------------------------------------------- entry points
def score(pred_dir, gold_dir, with_details=False):
    gold = load_gold(gold_dir)
    out, det = {}, {}
    for t in TABLES:
        pred = load_pred(pred_dir, t)
        if t in ENTITY:
            out[t], det[t] = score_entities(t, gold, pred)
        elif t == "metrics":
            out[t], det[t] = score_metrics(gold, pred)
        else:
            out[t], det[t] = score_claims(gold, pred)
    return (out, det) if with_details else out


def main(argv):
    if len(argv) < 3:
        print(__doc__.splitlines()[3], file=sys.stderr)
        return 2
    detail = "--detail" in argv
    args = [a for a in argv[1:] if a != "--detail"]
    if detail:
        res, det = score(args[0], args[1], with_details=True)
        print(json.dumps({"scores": res, "details": det}, indent=2, ensure_ascii=False, default=str))
    else:
        print(json.dumps(score(args[0], args[1]), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

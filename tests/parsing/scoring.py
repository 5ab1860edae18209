"""Score the parser's contract JSON against hand-written expectations (tests/parsing/corpus).

The corpus is our own stand-in for the unseen pages the parser is judged on; the figures
mirror how that judging is described:
- amounts: every investment amount of projects *and* batches on the page, matched as a
  multiset by (value, currency) — precision, recall and F1 over the whole corpus;
- months: among matched amounts, the share whose event month (YYYY-MM, or none when the
  expectation is a year or unknown) is right; pairs are formed month-first so a page with
  two equal amounts is not penalised for the pairing order;
- zones: recall of the expected zones among the articles' zones plus the facts' zones (an
  unknown zone may be reported with or without the city before it);
- split: a page splits right when it has exactly the expected articles with the expected
  headlines (compared without spaces, symbols and emoji; a headline printed with a
  "重磅！" style prefix still counts when one contains the other);
- no-investment pages: the share of pages without any expected amount that yield none;
- kind, fact zone, date (as in ../shared/dev-pages/README.md): for each matched amount, a
  batch reported as a batch and a project as a project; the fact's own zone is the expected
  one, or both are empty (a city's total belongs to no zone); the fact's date agrees with the
  expected date at the expectation's precision (YYYY, YYYY-MM or YYYY-MM-DD). Zone and date
  are scored where the expectation gives them (round t on); kind wherever it is given.
An expected amount marked `"optional": true` is doubtful: reporting it or missing it costs
nothing (one predicted amount of its value is set aside).

Pure Python and deterministic; `tests/parsing/test_corpus_scores.py` asserts the targets
and `bench/score_corpus.py` prints the figures with the misses.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"


@dataclass
class PageResult:
    name: str
    expected: list[tuple[str, str, str | None]]  # (value, currency, month)
    predicted: list[tuple[str, str, str | None]]
    matched: int
    months_right: int
    zones_expected: int
    zones_found: int
    split_ok: bool
    no_investment: bool
    missing: list[tuple] = field(default_factory=list)
    extra: list[tuple] = field(default_factory=list)
    wrong_months: list[tuple] = field(default_factory=list)
    missing_zones: list[str] = field(default_factory=list)
    titles: tuple[list, list] = ((), ())
    # (right, scored) for each per-fact figure, and what went wrong
    kinds: tuple[int, int] = (0, 0)
    fact_zones: tuple[int, int] = (0, 0)
    dates: tuple[int, int] = (0, 0)
    fact_misses: list[tuple] = field(default_factory=list)


@dataclass
class Scores:
    pages: list[PageResult]

    def _sum(self, attr: str) -> int:
        return sum(getattr(p, attr) for p in self.pages)

    @property
    def precision(self) -> float:
        predicted = sum(len(p.predicted) for p in self.pages)
        return self._sum("matched") / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        expected = sum(len(p.expected) for p in self.pages)
        return self._sum("matched") / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def month_accuracy(self) -> float:
        matched = self._sum("matched")
        return self._sum("months_right") / matched if matched else 1.0

    @property
    def zone_recall(self) -> float:
        expected = self._sum("zones_expected")
        return self._sum("zones_found") / expected if expected else 1.0

    def _ratio(self, attr: str) -> float:
        right = sum(getattr(p, attr)[0] for p in self.pages)
        total = sum(getattr(p, attr)[1] for p in self.pages)
        return right / total if total else 1.0

    @property
    def kind_accuracy(self) -> float:
        return self._ratio("kinds")

    @property
    def fact_zone_accuracy(self) -> float:
        return self._ratio("fact_zones")

    @property
    def date_accuracy(self) -> float:
        return self._ratio("dates")

    @property
    def split_accuracy(self) -> float:
        return sum(p.split_ok for p in self.pages) / len(self.pages) if self.pages else 1.0

    @property
    def no_investment_clean(self) -> tuple[int, int]:
        """(pages without expected amounts that produced none, such pages)."""
        pages = [p for p in self.pages if p.no_investment]
        return sum(1 for p in pages if not p.predicted), len(pages)

    def summary(self) -> dict:
        clean, total = self.no_investment_clean
        return {
            "pages": len(self.pages),
            "amounts_expected": sum(len(p.expected) for p in self.pages),
            "amounts_predicted": sum(len(p.predicted) for p in self.pages),
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "month_accuracy": round(self.month_accuracy, 3),
            "zone_recall": round(self.zone_recall, 3),
            "split_accuracy": round(self.split_accuracy, 3),
            "no_investment_pages_clean": f"{clean}/{total}",
            "kind_accuracy": round(self.kind_accuracy, 3),
            "fact_zone_accuracy": round(self.fact_zone_accuracy, 3),
            "date_accuracy": round(self.date_accuracy, 3),
        }


def _month(value: str | None) -> str | None:
    return value[:7] if value and len(value) >= 7 else None


def normalise_title(title: str | None) -> str:
    """Headline letters and digits only: no spaces, punctuation, brackets or emoji."""
    text = unicodedata.normalize("NFKC", title or "")
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def titles_match(expected: str | None, found: str | None) -> bool:
    a, b = normalise_title(expected), normalise_title(found)
    if not a or not b:
        return a == b
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return short in long and len(short) >= 0.6 * len(long)


def predicted_amounts(doc: dict) -> list[tuple[str, str, str | None]]:
    out = []
    for article in doc["articles"]:
        for fact in article["projects"] + article["batches"]:
            if fact.get("amount"):
                out.append((fact["amount"]["value"], fact["amount"]["currency"], _month(fact.get("date"))))
    return out


def predicted_facts(doc: dict) -> list[dict]:
    """Every fact with an amount: value, currency, kind (project/batch), zone, date."""
    out = []
    for article in doc["articles"]:
        for kind, facts in (("project", article["projects"]), ("batch", article["batches"])):
            for fact in facts:
                if fact.get("amount"):
                    amount = fact["amount"]
                    out.append(
                        {"value": amount["value"], "currency": amount["currency"], "kind": kind,
                         "zone": fact.get("zone"), "date": fact.get("date")}
                    )  # fmt: skip
    return out


def _fact_figures(expected: list[dict], predicted: list[dict]) -> tuple[tuple, tuple, tuple, list]:
    """Kind, own zone and date of each expected amount against the predicted fact of the same
    value and currency (the one with the right date first, then in page order)."""
    used: set[int] = set()
    kinds, zones, dates = [0, 0], [0, 0], [0, 0]
    misses = []
    for exp in expected:
        same = [
            i
            for i, p in enumerate(predicted)
            if i not in used and (p["value"], p["currency"]) == (exp["value"], exp["currency"])
        ]
        if not same:
            continue
        dated = [
            i for i in same if exp.get("date") and str(predicted[i]["date"] or "").startswith(exp["date"])
        ]
        i = (dated or same)[0]
        used.add(i)
        got = predicted[i]
        if exp.get("kind"):
            kinds[1] += 1
            kinds[0] += exp["kind"] == got["kind"]
            if exp["kind"] != got["kind"]:
                misses.append(("kind", exp["value"], exp["kind"], got["kind"]))
        if "zone" in exp:
            ok = (
                zone_match(exp["zone"], got["zone"])
                if exp["zone"] and got["zone"]
                else not exp["zone"] and not got["zone"]
            )
            zones[1] += 1
            zones[0] += ok
            if not ok:
                misses.append(("zone", exp["value"], exp["zone"], got["zone"]))
        if exp.get("date"):
            ok = str(got["date"] or "").startswith(exp["date"])
            dates[1] += 1
            dates[0] += ok
            if not ok:
                misses.append(("date", exp["value"], exp["date"], got["date"]))
    return tuple(kinds), tuple(zones), tuple(dates), misses


def _set_aside_optional(expected: list[dict], predicted: list[dict]) -> tuple[list[dict], list[dict]]:
    """Drop doubtful expected amounts, and for each one predicted amount of its value."""
    kept, predicted = [], list(predicted)
    for exp in expected:
        if not exp.get("optional"):
            kept.append(exp)
            continue
        for i, p in enumerate(predicted):
            if (p["value"], p["currency"]) == (exp["value"], exp["currency"]):
                del predicted[i]
                break
    return kept, predicted


def zone_match(expected: str, found: str) -> bool:
    """Equal names, or a zone written with and without its city ("重庆綦江工业园区")."""
    short, long = sorted((expected, found), key=len)
    return short == long or (len(short) >= 4 and long.endswith(short))


def predicted_zones(doc: dict) -> set[str]:
    zones = set()
    for article in doc["articles"]:
        zones.update(article["zones"])
        zones.update(f["zone"] for f in article["projects"] + article["batches"] if f.get("zone"))
    return zones


def _match(expected: list[tuple], predicted: list[tuple]) -> tuple[int, int, list, list, list]:
    """Multiset match by (value, currency); within a key, equal months pair first."""
    by_key_e: dict[tuple, list] = defaultdict(list)
    by_key_p: dict[tuple, list] = defaultdict(list)
    for v, c, m in expected:
        by_key_e[(v, c)].append(m)
    for v, c, m in predicted:
        by_key_p[(v, c)].append(m)
    matched = months_right = 0
    missing, extra, wrong = [], [], []
    for key in set(by_key_e) | set(by_key_p):
        exp, pred = Counter(by_key_e.get(key, [])), Counter(by_key_p.get(key, []))
        same = exp & pred
        months_right += sum(same.values())
        exp_rest, pred_rest = list((exp - same).elements()), list((pred - same).elements())
        pairs = min(len(exp_rest), len(pred_rest))
        matched += sum(same.values()) + pairs
        wrong += [(*key, e, p) for e, p in zip(exp_rest, pred_rest, strict=False)]
        missing += [(*key, m) for m in exp_rest[pairs:]]
        extra += [(*key, m) for m in pred_rest[pairs:]]
    return matched, months_right, missing, extra, wrong


def score_page(name: str, expected: dict, doc: dict) -> PageResult:
    exp_facts, pred_facts = _set_aside_optional(
        [a for art in expected["articles"] for a in art["amounts"]], predicted_facts(doc)
    )
    exp_amounts = [(a["value"], a["currency"], a["month"]) for a in exp_facts]
    pred_amounts = [(p["value"], p["currency"], _month(p["date"])) for p in pred_facts]
    matched, months_right, missing, extra, wrong = _match(exp_amounts, pred_amounts)
    kinds, fact_zones, dates, fact_misses = _fact_figures(exp_facts, pred_facts)
    exp_zones = {z for art in expected["articles"] for z in art["zones"]}
    found = predicted_zones(doc)
    found_zones = {z for z in exp_zones if any(zone_match(z, f) for f in found)}
    exp_titles = [art["title"] for art in expected["articles"]]
    got_titles = [art["title"] for art in doc["articles"]]
    split_ok = len(exp_titles) == len(got_titles) and all(
        titles_match(e, g) for e, g in zip(exp_titles, got_titles, strict=True)
    )
    return PageResult(
        name=name,
        expected=exp_amounts,
        predicted=pred_amounts,
        matched=matched,
        months_right=months_right,
        zones_expected=len(exp_zones),
        zones_found=len(exp_zones & found_zones),
        split_ok=split_ok,
        no_investment=not exp_amounts,
        missing=missing,
        extra=extra,
        wrong_months=wrong,
        missing_zones=sorted(exp_zones - found_zones),
        titles=(exp_titles, got_titles),
        kinds=kinds,
        fact_zones=fact_zones,
        dates=dates,
        fact_misses=fact_misses,
    )


def load_corpus(directory: Path = CORPUS_DIR) -> list[tuple[str, bytes, dict]]:
    """(name, page bytes, expectation) for every page with a .expected.json beside it."""
    pages = []
    for expected_path in sorted(directory.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        data = (directory / f"{name}.txt").read_bytes()
        pages.append((name, data, json.loads(expected_path.read_text(encoding="utf-8"))))
    return pages


def score_corpus(directory: Path = CORPUS_DIR) -> Scores:
    """Run the production pipeline on every corpus page and score it."""
    from articles.parsing.pipeline import parse_bytes, to_contract

    results = []
    for name, data, expected in load_corpus(directory):
        issue = date.fromisoformat(expected["issue_date"]) if expected.get("issue_date") else None
        doc = to_contract(parse_bytes(data, path=f"{name}.txt", issue_date=issue))
        results.append(score_page(name, expected, doc))
    return Scores(results)

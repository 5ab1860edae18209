"""Whose figure is it? The zone a fact belongs to, or none for a city's or an event's total.

A fact's zone is the zone its own sentence names (the last one before it in its ；-item,
else the nearest). Without one:
- a sentence that refers back to the article's zone (该高新区, 本区: data/scope/
  zone_reference.txt) belongs to it;
- a sentence opening with 其中 / 同时 / 此外 belongs with the one before it: its zone;
- for a project (not a batch) whose sentence has no scope word (全市, 推介会 …), a zone named by
  the next sentence of the paragraph when that one goes on about the fact ("…基地在南昌开工
  建设。这使小蓝经济开发区…", data/scope/refers_back.txt);
- a sentence that names another scope — a place with an administrative suffix (周口市,
  吉林省, 喀什地区), a province or a zone's city standing alone (山东16市, 落地西宁; not the
  opening of a company's name: 江苏恒远动力), or a word of
  data/scope/not_zone.txt and events.txt (全市, 博览会, 推介会 …) — gives no zone: "全市共签约27个项目"
  is the city's tally, not its high-tech zone's;
- else the nearest zone named earlier in the same paragraph ("X区一批项目集中签约。此次…");
- else none when an earlier sentence of the paragraph names an event (events.txt:
  "…推介会在楚雄市召开。会上现场签约项目42个": the event's figure);
- else the article's zone, when the sentence holds a bare zone word (全区, 园区, 高新区 …,
  data/scope/zone_words.txt) or the article names a single zone in all;
- else none. The article's main zone is never a mere default: a digest of news items
  names many zones, and a figure of one item is not the first item's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .wordlists import alternation
from .zones import Gazetteer

_EVENTS = re.compile(alternation("scope/events"))
_REFERS_BACK = re.compile(r"\s*(?:" + alternation("scope/refers_back") + ")")
_NOT_ZONE = re.compile(alternation("scope/not_zone") + "|" + alternation("scope/events"))
_REFERENCE = re.compile(alternation("scope/zone_reference"))
_ZONE_WORDS = re.compile(alternation("scope/zone_words"))
_ADMIN = re.compile(r"自治州|自治县|地区|省|市|县|区|州|盟|旗")
_PLACE_LENGTHS = (4, 3, 2)
# A bare place counts where it stands alone: after a place word or before a boundary, not
# at the head of a company's name ("江苏恒远动力投资建设").
_PLACE_BEFORE_ANY = re.compile(r"在|于|落户|落地|来自|赴|到|全")
_PLACE_AFTER_ANY = re.compile(r"[\d，。、,；;！？）)和与及等]|两地|各地|全境")


@lru_cache(maxsize=4)
def _bare_places(gazetteer: Gazetteer) -> frozenset[str]:
    """Places named without a suffix that still mean the place: provinces and zone cities."""
    out = set(gazetteer.provinces)
    for entry in gazetteer.entries.values():
        for key in ("province", "city"):
            name = _ADMIN.sub("", entry.get(key) or "")
            if len(name) >= 2:
                out.add(name)
    return frozenset(out)


def names_other_scope(gazetteer: Gazetteer, folded: str, lo: int, hi: int) -> bool:
    """Does folded[lo:hi] name a city, province or event that a figure may belong to?
    (The caller passes the sentence up to the end of the fact's clause: "…走在乐山市最前列"
    after the figure ranks the zone, it does not own the figure.)

    Only the places next to an administrative suffix, a place word (在, 落户 …) or a
    boundary are looked up, not every position: the check stays a few dict lookups."""
    if _NOT_ZONE.search(folded, lo, hi):
        return True
    places, bare = gazetteer.places, _bare_places(gazetteer)
    for m in _ADMIN.finditer(folded, lo, hi):  # 周口市, 喀什地区
        if any(folded[m.start() - k : m.start()] in places for k in _PLACE_LENGTHS if m.start() - k >= lo):
            return True
    for m in _PLACE_BEFORE_ANY.finditer(folded, lo, hi):  # 在南昌, 落地西宁
        if any(folded[m.end() : m.end() + k] in bare for k in _PLACE_LENGTHS if m.end() + k <= hi):
            return True
    for m in _PLACE_AFTER_ANY.finditer(folded, lo, hi):  # 山东16市, 西宁，
        if any(folded[m.start() - k : m.start()] in bare for k in _PLACE_LENGTHS if m.start() - k >= lo):
            return True
    return hi - lo >= 2 and any(folded[hi - k : hi] in bare for k in _PLACE_LENGTHS if hi - k >= lo)


def names_scope_word(folded: str, lo: int, hi: int) -> bool:
    """Does folded[lo:hi] hold a scope or event word (全市, 推介会 …: not_zone.txt, events.txt)?"""
    return _NOT_ZONE.search(folded, lo, hi) is not None


def names_event(folded: str, lo: int, hi: int) -> bool:
    """Does folded[lo:hi] name an event (推介会, 博览会 …: data/scope/events.txt)? A city or a
    scope word does not: a zone's article names its city, and a company "全球领先"."""
    return _EVENTS.search(folded, lo, hi) is not None


def refers_back(folded: str, start: int) -> bool:
    """Does the sentence at `start` open by going on about the fact before it (这使, 此举,
    该项目 …: data/scope/refers_back.txt)?"""
    return _REFERS_BACK.match(folded, start) is not None


def refers_to_zone(folded: str, lo: int, hi: int) -> bool:
    """Does folded[lo:hi] refer back to the article's zone (该高新区, 本区 …)?"""
    return _REFERENCE.search(folded, lo, hi) is not None


def names_zone_word(folded: str, lo: int, hi: int) -> bool:
    """Does folded[lo:hi] hold a bare zone word (全区, 园区, 高新区 …)?"""
    return _ZONE_WORDS.search(folded, lo, hi) is not None

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
from functools import cached_property, lru_cache

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
    boundary are looked up, not every position: the check stays a few dict lookups. For the
    figures of one sentence, `Scopes.names_other_scope` answers the same from one reading."""
    return Scopes(gazetteer, folded, lo, hi).names_other_scope(hi)


class Scopes:
    """What the sentence folded[lo:hi] says about whose figures it holds, each read once (on
    demand) for all of its figures: a sentence of many amounts costs one scan per question,
    not one per amount (a comma-joined file of one sentence naming no zone asked them of the
    whole sentence for every amount). Same answers as the module's functions."""

    def __init__(self, gazetteer: Gazetteer, folded: str, lo: int, hi: int):
        self.gazetteer, self.folded, self.lo, self.hi = gazetteer, folded, lo, hi

    @cached_property
    def refers_to_zone(self) -> bool:
        return refers_to_zone(self.folded, self.lo, self.hi)

    @cached_property
    def names_scope_word(self) -> bool:
        return self._word_end <= self.hi

    @cached_property
    def names_zone_word(self) -> bool:
        return names_zone_word(self.folded, self.lo, self.hi)

    @cached_property
    def names_event(self) -> bool:
        return names_event(self.folded, self.lo, self.hi)

    def names_other_scope(self, hi: int) -> bool:
        """`names_other_scope` of folded[lo:hi], for an `hi` up to the sentence's end: whether
        the first other scope of the sentence ends by `hi`, or a place ends right at `hi`."""
        if self._other_end <= hi:
            return True
        folded, lo, bare = self.folded, self.lo, _bare_places(self.gazetteer)
        return hi - lo >= 2 and any(folded[hi - k : hi] in bare for k in _PLACE_LENGTHS if hi - k >= lo)

    @cached_property
    def _word_end(self) -> int:
        """The least `end` such that folded[lo:end] holds a scope or event word (hi + 1: none).
        The words are plain strings, so folded[lo:end] holds one exactly when the pattern finds
        one before `end`; the leftmost match may be a long word that a shorter one after it
        ends before, hence the narrowing."""
        folded, lo, end = self.folded, self.lo, self.hi + 1
        m = _NOT_ZONE.search(folded, lo, self.hi)
        while m is not None:
            end = m.end()
            m = _NOT_ZONE.search(folded, lo, end - 1)
        return end

    @cached_property
    def _other_end(self) -> int:
        """The least `end` such that folded[lo:end] names another scope in the sense of
        names_other_scope, bar a place ending right at `end` (hi + 1: none). Each rule's hit
        needs the text up to a point: a word's or a suffix's end, a place word's place's end,
        a boundary's end. The patterns' matches from `lo` that end by a point are the same
        whatever the text after it (no alternative of _ADMIN, _PLACE_BEFORE_ANY or
        _PLACE_AFTER_ANY begins another: tests/parsing/test_scope_lookups.py), so that the
        matches of the whole sentence, scanned once, answer for every `hi`."""
        folded, lo = self.folded, self.lo
        places, bare = self.gazetteer.places, _bare_places(self.gazetteer)
        end = self._word_end
        for m in _ADMIN.finditer(folded, lo, min(self.hi, end - 1)):  # 周口市, 喀什地区
            at = m.start()
            if any(folded[at - k : at] in places for k in _PLACE_LENGTHS if at - k >= lo):
                end = m.end()
                break
        for m in _PLACE_BEFORE_ANY.finditer(folded, lo, min(self.hi, end - 1)):  # 在南昌, 落地西宁
            if m.end() + min(_PLACE_LENGTHS) >= end:
                break
            for k in sorted(_PLACE_LENGTHS):
                if m.end() + k < end and folded[m.end() : m.end() + k] in bare:
                    end = m.end() + k
                    break
        for m in _PLACE_AFTER_ANY.finditer(folded, lo, min(self.hi, end - 1)):  # 山东16市, 西宁，
            at = m.start()
            if any(folded[at - k : at] in bare for k in _PLACE_LENGTHS if at - k >= lo):
                end = m.end()
                break
        return end


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

"""Zone names in text → canonical short names from the gazetteer.

Matching is anchored on name endings: every known name (short, full, alias, generated
variant) is indexed by its last two characters; one small regex finds the positions where
such an ending occurs, and only there are the few candidate lengths looked up in a dict.
That keeps the matcher linear in the text (a 10 MB page in well under a second) however
many names the gazetteer holds, and the longest name at a position wins.

Generated variants of 西安高新区 / 西安高新技术产业开发区: 西安国家高新区, 西安国家级高新区,
西安高新技术开发区, 西安国家高新技术产业开发区, 西安高新技术产业园区 and, when the prefix is
a city, 西安市高新区. A variant that two zones would share is dropped as ambiguous.

A zone the gazetteer does not know is reported as written when it ends in a zone suffix and
a place stands before it: a division of China (articles/parsing/places.py: the package table of
provinces, cities, counties and districts, plus zones/data/towns.txt) or a place of the
gazetteer, followed by at most a short proper name without function words ("江阴滨江新城",
"荆门临空经济区"); a place written with its administrative suffix may carry a longer name
("西平县先进制造业开发区", "云梦县盐化工产业园"). Without a place there is no zone: "今年高新区",
"这些高新区", "希望高新区再接再厉" are words around a suffix. A company's own park ("华科集团光谷
产业园"), a park named in a project ("美拓新疆产业园项目") and zone words inside a company name
("滨江新区建设投资集团有限公司") are no zones either. A place and 园/分园/片区 right after a zone
name a part of it ("中关村顺义园"). Every word list is data: zones/data/zone_words.txt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from .places import load_place_index
from .textfold import fold
from .types import ZoneHit

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "zones" / "data" / "gazetteer.json"

# Full-name endings → the short ending, per kind of zone.
_HIGH_TECH_FORMS = (
    "高新区",
    "国家高新区",
    "国家级高新区",
    "高新技术产业开发区",
    "国家高新技术产业开发区",
    "高新技术开发区",
    "高新技术产业园区",
    "高新技术产业开发区管委会",
)
_ECON_FORMS = ("经开区", "经济技术开发区", "国家级经济技术开发区", "国家级经开区", "经济开发区")
WORDS_PATH = DEFAULT_PATH.parent / "zone_words.txt"


def read_word_sections(path: Path) -> dict[str, list[str]]:
    """Sections of a word file: "[section]" headers, then words separated by blanks or new
    lines; "#" starts a comment."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line and current is not None:
            current.extend(line.split())
    return sections


def _alternation(words: Iterable[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


_WORDS = read_word_sections(WORDS_PATH)
_AFTER_PLACE_ONLY = frozenset(_WORDS["after_place_only"])
_PROVINCE_ZONES = frozenset(_WORDS["province_zones"])
_SUFFIX_RE = _alternation(_WORDS["suffixes"] + _WORDS["after_place_only"])
_SUB_PARK_RE = re.compile("(?:" + _alternation(_WORDS["sub_parks"]).pattern + ")")
_SUB_AREA_RE = re.compile("(?:" + _alternation(_WORDS["sub_parks"] + _WORDS["sub_areas"]).pattern + ")")
_STOP_CHARS = frozenset("".join(_WORDS["stop_chars"]))
_NAME_STOP_CHARS = _STOP_CHARS | frozenset("".join(_WORDS["name_stop_chars"]))
_BREAK_WORDS = _alternation(_WORDS["break_words"])
_QUALITY_WORDS = _alternation(_WORDS["quality_words"])
_STOP_WORDS = _alternation(_WORDS["break_words"] + _WORDS["quality_words"])
_COMPANY_BEFORE = tuple(_WORDS["company_before"])
_COMPANY_AFTER = re.compile("[\u4e00-\u9fff]{0,8}?(?:" + _alternation(_WORDS["company_after"]).pattern + ")")
_PROJECT_PARKS = frozenset(_WORDS["project_parks"])
_PROJECT_AFTER = tuple(_WORDS["project_after"])
# "中国（上海）自由贸易试验区", "中德（沈阳）高端装备制造产业园": the place in brackets opens the name.
_BRACKETED_PLACE = re.compile(r"[\u4e00-\u9fff]{1,3}（([\u4e00-\u9fff]{2,4})）([\u4e00-\u9fff]*)$")
# A town written with 镇 (no town list is complete) opens a zone too: "小榄镇工业园区", when two or
# three characters before 镇 hold no stop character and open a phrase.
_ADMIN_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|自治州|地区|省|市|盟)$")
_WINDOW = 12
# Longest short place name that `_place_before` looks for (西双版纳, 堆龙德庆: 4; a few 5).
_PLACE_LENGTHS = (5, 4, 3, 2)
# The proper name between a place and the suffix ("淮北|凤凰山|经济开发区") is this short; after
# a place written with its administrative suffix ("西平县|先进制造业|开发区") it may be longer.
_MAX_REST = 4
_MAX_REST_AFTER_ADMIN = 8
_ADMIN_LEAD = re.compile(r"^(?:自治县|自治州|市|县|区|省|州|旗|镇|乡)")


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _prefix_of(short: str, full: str) -> str | None:
    for name in (short, full):
        for ending in sorted(_HIGH_TECH_FORMS + _ECON_FORMS, key=len, reverse=True):
            if name.endswith(ending) and len(name) > len(ending):
                return name[: -len(ending)]
    return None


class Gazetteer:
    """Known zones and their surface forms; `find_zones` is the matcher."""

    def __init__(self, entries: Iterable[Mapping], places: Iterable[str] | None = None):
        """`places`: the place names that open unknown zones; None reads China's divisions
        (articles/parsing/places.py), as the parser does."""
        if places is None:
            index = load_place_index()
            places_extra = tuple(index.names)
            # A municipality's name stays in a zone's name (上海临港新片区): only provinces go.
            province_extra = {p.short for p in index.places if p.level == "province" and p.name[-1] != "市"}
        else:
            places_extra, province_extra = tuple(places), set()
        self.entries: dict[str, Mapping] = {}
        explicit: dict[str, str] = {}
        generated: dict[str, set[str]] = {}
        places: set[str] = set()
        provinces: set[str] = set()
        for entry in entries:
            short = entry["short_name"]
            self.entries[short] = entry
            full = entry.get("full_name") or ""
            for name in (short, full, *entry.get("aliases", ())):
                if name:
                    explicit.setdefault(fold(name), short)
            prefix = _prefix_of(short, full)
            province = _ADMIN_SUFFIX.sub("", entry.get("province") or "")
            if len(province) >= 2 and province != _ADMIN_SUFFIX.sub("", entry.get("city") or ""):
                provinces.add(fold(province))
            for place in (entry.get("province"), entry.get("city"), prefix):
                if place:
                    stripped = _ADMIN_SUFFIX.sub("", place)
                    if len(stripped) >= 2:
                        places.add(fold(stripped))
            if prefix:
                forms = _ECON_FORMS if "经" in (entry.get("kind") or "") else _HIGH_TECH_FORMS
                prefixes = {prefix}
                city = entry.get("city") or ""
                if city.endswith("市") and prefix == city[:-1]:
                    prefixes.add(city)
                if prefix.endswith("市"):
                    prefixes.add(prefix[:-1])
                for p in prefixes:
                    for form in forms:
                        generated.setdefault(fold(p + form), set()).add(short)
        self.names: dict[str, str] = dict(explicit)
        for name, shorts in generated.items():
            if name not in self.names and len(shorts) == 1:
                self.names[name] = next(iter(shorts))
        places.update(fold(p) for p in places_extra if len(p) >= 2)
        self.places = places
        self.provinces = provinces | {fold(p) for p in province_extra if len(p) >= 2}
        self._provinces_longest = sorted(self.provinces, key=len, reverse=True)
        self._lengths: dict[str, list[int]] = {}
        for name in self.names:
            if len(name) >= 2:
                self._lengths.setdefault(name[-2:], []).append(len(name))
        for key, lengths in self._lengths.items():
            self._lengths[key] = sorted(set(lengths), reverse=True)
        endings = sorted(self._lengths, key=len, reverse=True)
        first = "".join(sorted({re.escape(e[0]) for e in endings}))
        self._ending_re = (
            re.compile(f"(?=[{first}])(?=(" + "|".join(map(re.escape, endings)) + "))") if endings else None
        )

    def canonical(self, name: str) -> str | None:
        """Canonical short name of a known zone name, or None."""
        return self.names.get(fold(name))

    def _known_hits(self, folded: str) -> list[tuple[int, int, str]]:
        hits = []
        if self._ending_re is None:
            return hits
        for m in self._ending_re.finditer(folded):
            end = m.start() + 2
            for length in self._lengths[m.group(1)]:
                start = end - length
                if start >= 0 and folded[start:end] in self.names:
                    hits.append((start, end, self.names[folded[start:end]]))
                    break
        return hits

    def _place_before(self, window: str, suffix: str) -> str | None:
        """The tail of `window` that opens with a known place and names a zone, if any.

        What follows the place must be a short proper name without function words; after a
        place written with its administrative suffix (西平县, 云梦县) it may be longer and may
        hold quality words. After a bare place, a suffix of `after_place_only` (产业园) takes
        no name at all, and a province alone opens only the suffixes of `province_zones`.
        """
        after_place_only = suffix in _AFTER_PLACE_ONLY
        cut = max((i + 1 for i, ch in enumerate(window) if not _cjk(ch)), default=0)
        window = window[cut:]
        for i in range(len(window) - 1):
            for length in _PLACE_LENGTHS:
                if i + length > len(window) or window[i : i + length] not in self.places:
                    continue
                rest = window[i + length :]
                if _BREAK_WORDS.search(rest):
                    continue
                lead = _ADMIN_LEAD.match(rest)
                if lead:
                    rest = rest[lead.end() :]
                if set(rest) & _NAME_STOP_CHARS or _SUFFIX_RE.search(rest):
                    continue
                place = _ADMIN_SUFFIX.sub("", window[i : i + length])
                if not rest and place in self.provinces and suffix not in _PROVINCE_ZONES:
                    continue  # 湖北高新区: the province's zones together
                if lead:
                    if len(rest) > _MAX_REST_AFTER_ADMIN:
                        continue
                elif len(rest) > _MAX_REST or _QUALITY_WORDS.search(rest) or (after_place_only and rest):
                    continue
                return self._drop_province(window[i:])
        return None

    def _unknown_hits(self, folded: str, text: str, known_ends: set[int]) -> list[tuple[int, int, str]]:
        hits = []
        for m in _SUFFIX_RE.finditer(folded):
            start, end = m.start(), m.end()
            if end in known_ends:
                continue
            window = folded[max(0, start - _WINDOW) : start]
            prefix = self._place_before(window, m.group())
            if prefix is None:
                prefix = self._bracketed_or_town(window)
            if prefix is None:
                continue
            s = start - len(prefix)
            if folded.endswith(_COMPANY_BEFORE, 0, s) or _COMPANY_AFTER.match(folded, end):
                continue  # 华科集团光谷产业园, 滨江新区建设投资集团有限公司
            if m.group() in _PROJECT_PARKS and folded.startswith(_PROJECT_AFTER, end):
                continue  # 美拓新疆产业园项目
            hits.append((s, end, text[s:end]))
        return hits

    def _bracketed_or_town(self, window: str) -> str | None:
        """A prefix opened by a place in brackets ("中国（上海）", "中德（沈阳）高端装备制造") or by a
        town written as one ("小榄镇", "望亭镇科技"), with a short name after it, if any."""
        m = _BRACKETED_PLACE.search(window)
        if m and m.group(1) in self.places:
            return m.group() if _clean_name(m.group(2), _MAX_REST_AFTER_ADMIN) else None
        town_end = window.rfind("镇")
        if town_end < 2 or not _clean_name(window[town_end + 1 :], _MAX_REST):
            return None
        for length in (3, 2):
            town, before = window[town_end - length : town_end], window[: max(0, town_end - length)]
            if len(town) < length or set(town) & (_STOP_CHARS | set("乡镇")) or _STOP_WORDS.search(town):
                continue
            if (
                not before
                or not _cjk(before[-1])
                or before[-1] in _STOP_CHARS
                or _BREAK_WORDS.search(before[-2:])
            ):
                return window[town_end - length :]
        return None

    def _sub_park(self, folded: str, end: int, known: bool) -> int:
        """End of "顺义园" (or, after an unknown zone, "南沙片区") right after a zone ending at
        `end`, else `end`."""
        pattern = _SUB_PARK_RE if known else _SUB_AREA_RE
        for length in _PLACE_LENGTHS:
            if folded[end : end + length] in self.places:
                m = pattern.match(folded, end + length)
                if m and not _SUFFIX_RE.match(folded, end + length):
                    return m.end()
        return end

    def find_zones(self, text: str) -> list[ZoneHit]:
        """Zones named in `text`, left to right, without overlaps (longest name wins)."""
        folded = fold(text)
        known = self._known_hits(folded)
        unknown = self._unknown_hits(folded, text, {e for _, e, _ in known})
        candidates = [(s, e, n, True) for s, e, n in known] + [(s, e, n, False) for s, e, n in unknown]
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), not c[3]))
        hits: list[ZoneHit] = []
        last_end = -1
        for start, end, name, is_known in candidates:
            if start >= last_end:
                part_end = self._sub_park(folded, end, is_known)
                if part_end > end:
                    name, is_known, end = text[start:part_end], False, part_end
                hits.append(ZoneHit(name=name, known=is_known, start=start, end=end))
                last_end = end
        return hits

    def _drop_province(self, name: str) -> str:
        """陕西西咸 → 西咸: a province before a more specific place is not part of the name (but
        山西转型综合改革示范区 keeps it: 转型 is no place)."""
        for p in self._provinces_longest:
            for form in (p + "省", p):
                rest = name[len(form) :]
                opens_with_place = any(rest[:n] in self.places for n in _PLACE_LENGTHS)
                if name.startswith(form) and len(rest) >= 2 and opens_with_place:
                    return rest
        return name


DATA_DIR = DEFAULT_PATH.parent
# The national high-tech zones, then other zones (经开区 …) the data team curates beside them.
DEFAULT_FILES = ("gazetteer.json", "other_zones.json")


def load_places() -> list[str]:
    """Every place name that opens an unknown zone (full and short forms), from places.py."""
    return sorted(load_place_index().names)


def gazetteer_paths(path: Path | None = None) -> list[Path]:
    """`path` alone, or zones/data/gazetteer.json + other_zones.json; missing files are
    skipped, so the parser still runs (knowing no zone) before the data file exists."""
    candidates = [Path(path)] if path is not None else [DATA_DIR / name for name in DEFAULT_FILES]
    return [p for p in candidates if p.exists()]


def read_entries(paths: list[Path]) -> list[dict]:
    """The zone entries of the gazetteer files, in order (the database sync reads these too)."""
    entries: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            entries.extend(json.load(fh))
    return entries


@lru_cache(maxsize=4)
def _load(paths: tuple[str, ...]) -> Gazetteer:
    return Gazetteer(read_entries([Path(p) for p in paths]))


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer (cached), from `gazetteer_paths(path)`."""
    return _load(tuple(str(p) for p in gazetteer_paths(path)))


def find_zones(text: str, gazetteer: Gazetteer | None = None) -> list[ZoneHit]:
    """Zones named in `text` with the given or the default gazetteer."""
    return (gazetteer or load_gazetteer()).find_zones(text)


def _clean_name(rest: str, longest: int) -> bool:
    """Whether `rest` can be the proper name between a place and a zone suffix."""
    return (
        len(rest) <= longest
        and not set(rest) & _NAME_STOP_CHARS
        and not _BREAK_WORDS.search(rest)
        and not _SUFFIX_RE.search(rest)
    )

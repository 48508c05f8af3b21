#!/usr/bin/env python3
"""Draws the tablet app's icons (static/app/icon-192.png and icon-512.png):
a white "N" on the blue of Bootstrap Italia, inside the safe zone of a
maskable icon (the middle 60%). Standard library only; run it again after
changing the drawing and commit the PNGs it writes.

    python3 api/web/app-icons.py
"""

import os
import struct
import zlib

BLUE = (0x00, 0x66, 0xCC)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4  # per side, for anti-aliased edges


def inside_n(x, y):
    """Whether the point (x, y) of the unit square lies on the letter."""
    left, right, top, bottom = 0.30, 0.70, 0.28, 0.72
    stroke = 0.095
    if not (top <= y <= bottom and left <= x <= right):
        return False
    if x <= left + stroke or x >= right - stroke:
        return True
    # The diagonal from the top of the left stem to the bottom of the right.
    t = (y - top) / (bottom - top)
    centre = left + stroke / 2 + t * (right - left - stroke)
    return abs(x - centre) <= stroke * 0.62


def pixel(size, px, py):
    hits = 0
    for sy in range(SAMPLES):
        for sx in range(SAMPLES):
            x = (px + (sx + 0.5) / SAMPLES) / size
            y = (py + (sy + 0.5) / SAMPLES) / size
            hits += inside_n(x, y)
    a = hits / (SAMPLES * SAMPLES)
    return bytes(round(b * (1 - a) + w * a) for b, w in zip(BLUE, WHITE))


def png(size):
    rows = b"".join(
        b"\x00" + b"".join(pixel(size, x, y) for x in range(size)) for y in range(size)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    head = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", head)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static", "app")
    for size in (192, 512):
        path = os.path.join(out, f"icon-{size}.png")
        with open(path, "wb") as f:
            f.write(png(size))
        print(path)


if __name__ == "__main__":
    main()

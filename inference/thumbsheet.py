"""Thumbnail sprite sheet: small frames at a fixed interval in one JPEG grid, plus its index.

The results page shows the frame under the pointer when hovering the score chart (scrub by
picture). The render step already decodes every frame, so it offers each one to a
:class:`ThumbnailSheet`, which keeps the first frame at or after every ``interval_sec``.

Layout (``thumbs.jpg``): tiles of ``tile_width`` x ``tile_height`` pixels, row-major,
``columns`` per row; tile ``i`` sits at ``x = (i % columns) * tile_width``,
``y = (i // columns) * tile_height`` and shows the frame at ``times_sec[i]`` (its presentation
time). Index (``thumbs.json``)::

    {"schema": "vigil.thumbs/1", "image": "thumbs.jpg", "interval_sec": 1.0,
     "tile_width": 128, "tile_height": 72, "columns": 10, "rows": 1, "count": 6,
     "times_sec": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]}

Size is capped: at most ``max_tiles`` tiles (the interval grows in whole seconds for long
videos: one per second up to 5 minutes, one per 12 s for an hour), so the sheet is at most
``columns * tile_width`` x ``ceil(max_tiles / columns) * tile_height`` pixels (1280 x 2160 by
default, a few hundred kB). Both files are written to a temporary name and renamed.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from PIL import Image

SHEET_NAME = "thumbs.jpg"
SHEET_INDEX_NAME = "thumbs.json"
SCHEMA = "vigil.thumbs/1"
TILE_HEIGHT = 72
COLUMNS = 10
MAX_TILES = 300
JPEG_QUALITY = 70


@dataclass(frozen=True, slots=True)
class SheetIndex:
    """Where each tile of a sheet is and which moment of the video it shows."""

    schema: str
    image: str
    interval_sec: float
    tile_width: int
    tile_height: int
    columns: int
    rows: int
    count: int
    times_sec: tuple[float, ...]


def sheet_interval_sec(duration_sec: float, *, max_tiles: int = MAX_TILES) -> float:
    """Seconds between tiles: 1 s, or the whole number of seconds that keeps ``max_tiles``."""
    return float(max(1, math.ceil(max(duration_sec, 0.0) / max_tiles)))


def tile_size(frame_width: int, frame_height: int, *,
              tile_height: int = TILE_HEIGHT) -> tuple[int, int]:
    """``(width, height)`` of a tile: ``tile_height`` high (even), the frame's aspect kept."""
    height = max(2, tile_height // 2 * 2)
    width = max(2, round(frame_width * height / max(1, frame_height) / 2) * 2)
    return width, height


class ThumbnailSheet:
    """Collects tiles from frames offered in presentation order; :meth:`save` writes them."""

    def __init__(self, *, duration_sec: float, frame_width: int, frame_height: int,
                 tile_height: int = TILE_HEIGHT, columns: int = COLUMNS,
                 max_tiles: int = MAX_TILES) -> None:
        self.interval_sec = sheet_interval_sec(duration_sec, max_tiles=max_tiles)
        self.tile_width, self.tile_height = tile_size(frame_width, frame_height,
                                                      tile_height=tile_height)
        self.columns = columns
        self.max_tiles = max_tiles
        self._tiles: list[np.ndarray] = []
        self._times_sec: list[float] = []

    def wants(self, t_sec: float) -> bool:
        """Whether the frame at ``t_sec`` starts the next tile (first at or after its tick)."""
        if len(self._tiles) >= self.max_tiles:
            return False
        return t_sec >= len(self._tiles) * self.interval_sec - 1e-6

    def add(self, rgb: np.ndarray, *, t_sec: float) -> None:
        """Add a ``(tile_height, tile_width, 3)`` uint8 RGB tile shown at ``t_sec``."""
        if rgb.shape != (self.tile_height, self.tile_width, 3):
            raise ValueError(f"tile shape {rgb.shape} is not "
                             f"{(self.tile_height, self.tile_width, 3)}")
        self._tiles.append(np.ascontiguousarray(rgb, dtype=np.uint8))
        self._times_sec.append(round(float(t_sec), 3))

    def save(self, out_dir: str | Path) -> SheetIndex | None:
        """Write ``thumbs.jpg`` and ``thumbs.json`` into ``out_dir``; None if no tile came."""
        if not self._tiles:
            return None
        count = len(self._tiles)
        columns = min(self.columns, count)
        rows = math.ceil(count / columns)
        sheet = np.zeros((rows * self.tile_height, columns * self.tile_width, 3), np.uint8)
        for i, tile in enumerate(self._tiles):
            y, x = (i // columns) * self.tile_height, (i % columns) * self.tile_width
            sheet[y:y + self.tile_height, x:x + self.tile_width] = tile
        index = SheetIndex(schema=SCHEMA, image=SHEET_NAME, interval_sec=self.interval_sec,
                           tile_width=self.tile_width, tile_height=self.tile_height,
                           columns=columns, rows=rows, count=count,
                           times_sec=tuple(self._times_sec))
        out = Path(out_dir)
        image_path, index_path = out / SHEET_NAME, out / SHEET_INDEX_NAME
        Image.fromarray(sheet).save(f"{image_path}.part", format="JPEG", quality=JPEG_QUALITY,
                                    optimize=True)
        Path(f"{index_path}.part").write_text(json.dumps(asdict(index)))
        os.replace(f"{image_path}.part", image_path)
        os.replace(f"{index_path}.part", index_path)
        return index


def read_index(path: str | Path) -> SheetIndex:
    """The :class:`SheetIndex` stored at ``path`` (``thumbs.json``)."""
    data = json.loads(Path(path).read_text())
    if data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a {SCHEMA} document")
    return SheetIndex(**{**data, "times_sec": tuple(data["times_sec"])})

"""QR codes for printed pages, drawn on the server as SVG (segno; no outside service)."""

from __future__ import annotations

from functools import lru_cache

import segno
from markupsafe import Markup


@lru_cache(maxsize=64)
def qr_svg(url: str, title: str) -> Markup:
    """An inline SVG QR code for ``url`` (error correction M, black on white)."""
    code = segno.make(url, error="m")
    svg = code.svg_inline(scale=3, border=2, dark="#000", light="#fff", title=title, omitsize=True,
                          svgclass="qr", lineclass=None)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))

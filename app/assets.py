"""Static files under names that carry their content hash, cached for a year, compressed.

At start the files in ``static/`` are copied to ``instance/assets/`` as
``css/site.<hash>.css`` with a gzip twin beside the text ones, and
``url_for("static", filename="css/site.css")`` builds the hashed name.  WhiteNoise
serves that folder before Flask sees the request: a year of ``immutable`` caching
(the name changes when the content does) and gzip for browsers that ask.  Unhashed
paths still work through Flask's own static view (short caching), for anything that
links to a file by its plain name.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

#: Files worth compressing (images such as PNG are compressed already).
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".xml", ".html"}
ONE_YEAR = 365 * 24 * 3600


def hashed_name(relative: str, digest: str) -> str:
    """'css/site.css' + digest → 'css/site.<12 hex>.css'."""
    stem, dot, suffix = relative.rpartition(".")
    return f"{stem}.{digest[:12]}.{suffix}" if dot else f"{relative}.{digest[:12]}"


def _write_atomic(target: Path, data: bytes) -> None:
    if target.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".asset-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)


def build(source: Path, output: Path) -> dict[str, str]:
    """Copy every static file to its hashed name (and a .gz twin); returns name → hashed name."""
    manifest = {}
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not p.name.startswith(".")):
        relative = path.relative_to(source).as_posix()
        data = path.read_bytes()
        name = hashed_name(relative, hashlib.sha256(data).hexdigest())
        _write_atomic(output / name, data)
        if path.suffix in COMPRESSIBLE:
            _write_atomic(output / f"{name}.gz", gzip.compress(data, compresslevel=9, mtime=0))
        manifest[relative] = name
    return manifest


def _security_headers(headers, path, url) -> None:
    headers["X-Content-Type-Options"] = "nosniff"


def init_app(app: Flask) -> None:
    output = Path(app.instance_path) / "assets"
    manifest = build(Path(app.static_folder), output)
    app.extensions["asset_manifest"] = manifest

    @app.url_defaults
    def hashed_static(endpoint, values):
        if endpoint == "static" and values.get("filename") in manifest:
            values["filename"] = manifest[values["filename"]]

    # Only the hashed copies are served from here, so each can be cached for a year.
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(output), prefix="static/", max_age=ONE_YEAR,
                              immutable_file_test=lambda path, url: True,
                              add_headers_function=_security_headers)

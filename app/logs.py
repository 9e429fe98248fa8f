"""Keep one-time tokens out of the request lines servers log.

Verification, reset and email-change links and softcopy links carry a token in their
path.  The development server (werkzeug) and gunicorn log every request line, so
:func:`redact` replaces those tokens with "…" before a line is written: for werkzeug
through a logging filter installed by :func:`init_app`, for gunicorn through
:class:`GunicornLogger` (set in gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re

from flask import Flask

#: Path words followed by a secret token.
_TOKEN_PATH = re.compile(r"(/(?:verifikasi|atur-ulang|konfirmasi|berkas)/)[^/\s?\"]+")


def redact(text: str) -> str:
    """A request line or URL with the tokens in its path replaced by '…'."""
    return _TOKEN_PATH.sub(lambda m: m.group(1) + "…", text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts tokens in the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def init_app(app: Flask) -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())


try:  # gunicorn is a deployment dependency; the class exists only where it is installed
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover
    _GunicornLogger = None

if _GunicornLogger is not None:
    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger with tokens redacted from the access log."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "q", "{raw_uri}e", "f"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = redact(atoms[key])
            return atoms

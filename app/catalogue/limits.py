"""Rate limits on reading and downloading softcopies, per user.

Each new read or download stamps a PDF, which costs a worker time in proportion to the
file; one account must not keep the workers busy.  Settings ``LIMIT_SOFTCOPY_*``.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import limiter

MESSAGE = _l("Terlalu banyak permintaan softcopy dalam waktu singkat. Tunggu sebentar, lalu buka "
             "kembali publikasinya.")


def _user() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


#: New reads and downloads (each stamps a copy) by one account.
softcopy_per_user = limiter.limit(lambda: current_app.config["LIMIT_SOFTCOPY_PER_USER"], key_func=_user,
                                  methods=["POST"], error_message=MESSAGE)
#: Fetches of stamped copies (cheap once made) by one account.
softcopy_file_per_user = limiter.limit(lambda: current_app.config["LIMIT_SOFTCOPY_FILE_PER_USER"],
                                       key_func=_user, error_message=MESSAGE)

"""Rate limits on the feedback forms (settings ``LIMIT_FEEDBACK_*``, see app/config.py).

Anonymous forms (the survey, a complaint) count per client address and only when a
submission was accepted, so a form sent back with an error costs nothing.  Logged-in
forms count per account.  Status lookups by complaint code count every attempt, so
codes cannot be guessed by trying.
"""

from __future__ import annotations

from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.extensions import limiter
from app.lang import _l

FORM_MESSAGE = _l("Terlalu banyak isian dikirim dari jaringan Anda. Tunggu sebentar lalu coba lagi. "
                  "Untuk pengaduan mendesak, gunakan saluran pengaduan kantor yang tercantum di halaman ini.")
POST_MESSAGE = _l("Anda mengirim terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar lalu coba lagi.")
CODE_MESSAGE = _l("Terlalu banyak pencarian kode pengaduan. Tunggu sebentar lalu coba lagi.")


def _setting(name: str):
    return lambda: current_app.config[name]


def _account() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def mark_accepted() -> None:
    """Count this request: a submission was stored (or would have been, for a bot)."""
    g.feedback_accepted = True


def _accepted(response) -> bool:
    return bool(g.get("feedback_accepted"))


#: Survey answers and complaints from one client address (accepted ones).
form_per_ip = limiter.shared_limit(_setting("LIMIT_FEEDBACK_FORM_PER_IP"), scope="feedback-form",
                                   methods=["POST"], deduct_when=_accepted, error_message=FORM_MESSAGE)
#: Requests, reports, ratings and replies of one account (accepted ones).
post_per_user = limiter.shared_limit(_setting("LIMIT_FEEDBACK_POST_PER_USER"), scope="feedback-post",
                                     key_func=_account, methods=["POST"], deduct_when=_accepted,
                                     error_message=POST_MESSAGE)
#: Complaint status pages opened from one client address (every attempt).
code_per_ip = limiter.shared_limit(_setting("LIMIT_FEEDBACK_CODE_PER_IP"), scope="feedback-code",
                                   methods=["GET"], error_message=CODE_MESSAGE)

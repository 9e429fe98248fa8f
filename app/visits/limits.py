"""Rate limits of the kiosk (settings ``LIMIT_VISITS_*`` in app/config.py).

A kiosk is one client address that legitimately submits the guest book all day, so its
limit only stops a script flooding the guest book.  Codes mailed to returning visitors are
limited per kiosk and per recipient (keyed by a digest of the address, never the address),
and wrong codes per kiosk; each code also dies after a few wrong tries (operations).
The waiting-room display polls once a second and is not limited.
"""

from __future__ import annotations

from flask import current_app, g, request

from app.extensions import limiter
from app.lang import _l
from app.visits.operations import email_digest

FLOOD_MESSAGE = _l("Terlalu banyak isian buku tamu dalam waktu singkat dari perangkat ini. "
                   "Tunggu sebentar lalu coba lagi, atau minta bantuan petugas.")
CODE_MESSAGE = _l("Terlalu banyak permintaan kode. Tunggu sebentar, periksa juga folder spam, "
                  "atau isi formulir tanpa kode.")
CHECK_MESSAGE = _l("Terlalu banyak kode yang salah. Tunggu sebentar, atau isi formulir tanpa kode.")


def _setting(name: str):
    return lambda: current_app.config[name]


def submitted_address() -> str:
    return "guest-book-address:" + email_digest(request.form.get("email", "")[:254])


def mark_code_requested() -> None:
    g.visits_code_requested = True


def mark_code_failed() -> None:
    g.visits_code_failed = True


def _flagged(flag: str):
    return lambda response: bool(g.get(flag))


#: Guest-book submissions from one client (every POST counts).
guestbook_per_ip = limiter.limit(_setting("LIMIT_VISITS_GUESTBOOK_PER_IP"), methods=["POST"],
                                 error_message=FLOOD_MESSAGE)
#: One-time codes asked for, per kiosk and per recipient (only accepted requests count).
code_per_ip = limiter.limit(_setting("LIMIT_VISITS_CODE_PER_IP"), methods=["POST"],
                            deduct_when=_flagged("visits_code_requested"), error_message=CODE_MESSAGE)
code_per_address = limiter.limit(_setting("LIMIT_VISITS_CODE_PER_ADDRESS"), key_func=submitted_address,
                                 methods=["POST"], deduct_when=_flagged("visits_code_requested"),
                                 error_message=CODE_MESSAGE)
#: Wrong codes typed at one kiosk.
code_check_per_ip = limiter.limit(_setting("LIMIT_VISITS_CODE_CHECK_PER_IP"), methods=["POST"],
                                  deduct_when=_flagged("visits_code_failed"), error_message=CHECK_MESSAGE)

"""Benchmark: do the account pages answer as fast for unknown addresses as for real ones?

Run from the project root::

    .venv/bin/python -m bench.bench_timing            # 201 rounds

An attacker can learn who is registered if "Lupa kata sandi" or "Kirim ulang
verifikasi" take longer for a real account (building the message, opening TLS).
This builds the app on a temporary SQLite database with mail going to a real SMTP
server (aiosmtpd) on loopback, creates one unverified account, then posts each form
alternately for that address and for an unknown one (interleaved, so drifts in
machine load hit both) and prints the median time of each and their difference.
Rate limits are off so the loop is not stopped.  Target: |difference| below 1 ms,
well under the request-to-request spread.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from app import create_app
from app.accounts.models import User
from app.extensions import db
from app.mail import wait_for_deliveries
from tests.helpers import OFFICES_DIR, csrf_from, free_port

TARGET_MS = 1.0


class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=201)
    args = parser.parse_args()

    port = free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory(prefix="pst-timing-") as folder:
        app = create_app({
            "APP_ENV": "testing", "SECRET_KEY": "bench-" + "k" * 40, "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "INSTANCE_PATH": Path(folder) / "instance", "OFFICES_DIR": str(OFFICES_DIR),
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            user = User(name="Siti", email="terdaftar@contoh.id")
            user.set_password("rahasia-123")
            db.session.add(user)
            db.session.commit()
        client = app.test_client()
        print(f"{args.rounds} rounds per address, interleaved; medians in ms")
        print(f"{'page':32} {'registered':>11} {'unknown':>9} {'difference':>11}")
        worst = 0.0
        for label, url in (("Lupa kata sandi", "/akun/lupa-kata-sandi"),
                           ("Kirim ulang verifikasi", "/akun/verifikasi/kirim-ulang")):
            token = csrf_from(client.get(url).data)
            times: dict[str, list[float]] = {"terdaftar@contoh.id": [], "tidak-ada@contoh.id": []}
            for n in range(args.rounds):
                order = list(times) if n % 2 else list(reversed(times))
                for address in order:
                    started = time.perf_counter()
                    response = client.post(url, data={"email": address, "csrf_token": token})
                    times[address].append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 303, response.status_code
                wait_for_deliveries()
            known = statistics.median(times["terdaftar@contoh.id"])
            unknown = statistics.median(times["tidak-ada@contoh.id"])
            worst = max(worst, abs(known - unknown))
            print(f"{label:32} {known:11.2f} {unknown:9.2f} {known - unknown:+11.2f}")
    controller.stop()
    verdict = "PASS" if worst < TARGET_MS else "FAIL"
    print(f"largest difference {worst:.2f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

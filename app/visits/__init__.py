"""Walk-in visits: the guest-book kiosk, daily queue numbers, the desk's console, lockers,
the waiting-room display and the report against the service-time promise.

The walk-in procedure every standard describes: come to the PST unit, fill the
electronic guest book, take a number, wait, leave a bag in a locker (the identity card
held at the desk), be served within the promised minutes, rate the service, leave.
After a visit is finished the visitor's ticket page renders the ``visit_served`` slot,
where the feedback feature offers its survey; this package imports no other feature
(only the account model, to prefill a returning visitor's form).
"""

from __future__ import annotations

from flask import Blueprint, Flask

#: The kiosk, the ticket pages and the waiting-room display, under /<office_slug>/.
bp = Blueprint("visits", __name__)


def init_app(app: Flask) -> None:
    from app import pagecache, site
    from app.visits.models import GuestBookCode, GuestBookEntry, LockerAssignment, QueueCounter, QueueTicket
    from app.contrib import Link, registry
    from app.visits import cli, personal_data, queue, staff, views  # noqa: F401 (routes)
    from app.lang import _l

    site.register_office_blueprint(app, bp)
    site.register_office_blueprint(app, staff.bp)
    app.cli.add_command(cli.visits)
    # The guest book, the queue and the lockers are on staff and kiosk pages only.
    pagecache.private_tables(app, *(model.__tablename__ for model in (
        GuestBookEntry, GuestBookCode, QueueCounter, QueueTicket, LockerAssignment)))

    reg = registry(app)
    reg.staff_link(Link("visits_staff.console", _l("Antrean"), order=10, audience="staff",
                        active=("visits_staff.console",), badge=lambda office: queue.waiting_count(office) or None,
                        description=_l("Antrean hari ini: panggil nomor berikutnya, mulai dan selesaikan "
                                       "layanan, pinjamkan loker. Angka: pengunjung yang menunggu.")))
    reg.staff_link(Link("visits_staff.lockers", _l("Loker"), order=12, audience="staff",
                        active=("visits_staff.lockers",),
                        badge=lambda office: len(queue.held_lockers(office)) or None,
                        description=_l("Loker yang dipinjam dan kartu identitas yang dititipkan. "
                                       "Angka: loker yang sedang dipakai.")))
    reg.staff_link(Link("visits_staff.report", _l("Laporan kunjungan"), order=14, audience="staff",
                        active=("visits_staff.report", "visits_staff.report_print"),
                        description=_l("Waktu tunggu terhadap janji layanan, tidak hadir, dan profil "
                                       "pengunjung per hari atau per bulan; CSV dan versi cetak.")))
    # The kiosk and the display are public pages for the office's own devices: staff find
    # them here to open on the entrance tablet and the waiting-room screen, while the
    # public navigation does not advertise them.
    reg.staff_link(Link("visits.kiosk", _l("Buku tamu elektronik (kios)"), order=16, audience="staff",
                        description=_l("Buka di tablet pintu masuk: pengunjung mengisi buku tamu dan "
                                       "mendapat nomor antrean.")))
    reg.staff_link(Link("visits.display", _l("Layar antrean"), order=18, audience="staff",
                        description=_l("Buka di layar ruang tunggu: nomor yang dipanggil dan berikutnya.")))
    reg.staff_link(Link("visits_staff.visitor_data", _l("Data pribadi pengunjung"), order=19, audience="staff",
                        active=("visits_staff.visitor_data",),
                        description=_l("Pengunjung tanpa akun meminta salinan atau penghapusan data buku "
                                       "tamunya (UU 27/2022): cari dengan alamat email.")))
    personal_data.register(reg)

"""The catalogue's part of "Akun saya": my reads and downloads, and their personal data."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from app.catalogue import account_bp as bp, delivery
from app.catalogue.models import SoftcopyAccess
from app.contrib import AccountPanel, DataSubject, PersonalDataSection, Registry
from app.extensions import db
from app.personal_data import iso
from app.site import offices
from app.timeutil import format_local
from app.web import page_arg

DOWNLOADS_PER_PAGE = 25
PANEL_ROWS = 5


def _accesses_of(user_id: int):
    return (select(SoftcopyAccess).where(SoftcopyAccess.user_id == user_id)
            .order_by(SoftcopyAccess.created_at.desc(), SoftcopyAccess.id.desc()))


def access_rows(accesses) -> list[dict]:
    """Accesses with their office and the time in that office's zone."""
    known = offices()
    rows = []
    for access in accesses:
        office = known.get(access.office)
        zone = office.timezone if office else "Asia/Jakarta"
        rows.append({"access": access, "office": office, "when": format_local(access.created_at, zone)})
    return rows


def downloads_panel(user) -> dict:
    """The newest reads and downloads, for the panel on "Akun saya"."""
    rows = access_rows(db.session.scalars(_accesses_of(user.id).limit(PANEL_ROWS)))
    total = db.session.scalar(select(func.count()).select_from(_accesses_of(user.id).subquery()))
    return {"rows": rows, "total": total}


@bp.get("/unduhan")
@login_required
def downloads():
    """Every softcopy this user read or downloaded, newest first."""
    pagination = db.paginate(_accesses_of(current_user.id), page=page_arg(request.args),
                             per_page=DOWNLOADS_PER_PAGE, error_out=False)
    return render_template("catalogue/downloads.html", pagination=pagination,
                           rows=access_rows(pagination.items))


def export_accesses(subject: DataSubject) -> list[dict]:
    if subject.user_id is None:
        return []
    return [{
        "download_id": access.token,
        "kind": access.kind,
        "office": access.office,
        "publication_id": access.publication_id,
        "publication_title": access.publication.title if access.publication else None,
        "at": iso(access.created_at),
    } for access in db.session.scalars(_accesses_of(subject.user_id))]


def erase_accesses(subject: DataSubject) -> None:
    """Reads and downloads stay for the office's statistics, with no link to the person;
    the stamped copies (which carry the name and address) are deleted."""
    if subject.user_id is None:
        return
    folder = delivery.cache_dir()
    for token in db.session.scalars(select(SoftcopyAccess.token).where(SoftcopyAccess.user_id == subject.user_id)):
        (folder / f"{token}.pdf").unlink(missing_ok=True)
    db.session.execute(update(SoftcopyAccess).where(SoftcopyAccess.user_id == subject.user_id)
                       .values(user_id=None))


def purge_stamped(now) -> int:
    """Stamped copies whose links have expired (they carry names and addresses)."""
    from app.catalogue.views import ACCESS_LINK_LIFETIME

    return delivery.prune(delivery.cache_dir(), ACCESS_LINK_LIFETIME.total_seconds(), now.timestamp())


def register(reg: Registry) -> None:
    reg.account_panel(AccountPanel("downloads", _l("Unduhan saya"), "catalogue/_account_panel.html",
                                   downloads_panel, order=20))
    reg.personal_data(PersonalDataSection("softcopy_accesses", tables=("softcopy_access",),
                                          export=export_accesses, erase=erase_accesses,
                                          purge=purge_stamped, order=20))

"""What a feature adds to pages it does not own, through one registry per app.

A feature package is the only place that knows the feature (DESIGN.md, "Features plug
in").  Its ``init_app(app)`` registers its blueprints and CLI group as usual, and
contributes here what it adds elsewhere:

* links in the public navigation (:meth:`Registry.nav`),
* entries in the staff menu, with an optional count badge (:meth:`Registry.staff_link`),
* panels on "Akun saya" (:meth:`Registry.account_panel`),
* sections of a person's data for export, erasure and retention (:meth:`Registry.personal_data`),
* widgets in named slots of other features' pages (:meth:`Registry.widget`).
* orders for the catalogue search, e.g. by rating (:meth:`Registry.search_sort`).

``base.html``, the account page and the staff home render from the registry, so adding
a feature touches one line outside its package: its name in :data:`app.FEATURES`.  As in
Indico each module connects itself; unlike Indico there is no automatic discovery, the
list of features is explicit.  Anything that returns content goes through here;
cross-cutting events that expect no answer may use blinker signals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from markupsafe import Markup

if TYPE_CHECKING:  # pragma: no cover
    from app.offices import Office

#: Who may see a link: ``everyone``, ``user`` (logged in), ``staff`` (of the page's
#: office, or an administrator), ``admin``.
AUDIENCES = ("everyone", "user", "staff", "admin")
#: Where a link lives: on an office's pages (``office``), on pages without an office
#: (``site``), or on both (``any``).
SCOPES = ("office", "site", "any")


@dataclass(frozen=True)
class Link:
    """A link another feature's page shows: in the navigation or the staff menu."""

    endpoint: str
    label: str
    order: int = 50
    audience: str = "everyone"
    scope: str = "office"
    #: Endpoint prefixes that make this link the current page (``aria-current``).
    active: tuple[str, ...] = ()
    #: Staff menu only: a count shown beside the link, e.g. open requests; gets the office.
    badge: Callable[[Any], int | None] | None = None
    #: Staff menu only: one line saying what the page is for.
    description: str = ""
    #: Only when this returns True (e.g. a setting that switches a page off).
    when: Callable[[], bool] | None = None
    #: Current on pages this says yes to (given the endpoint), besides ``active``.
    current_when: Callable[[str], bool] | None = None

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}")
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {SCOPES}")


@dataclass(frozen=True)
class AccountPanel:
    """A section of "Akun saya"; ``context(user)`` returning None hides it."""

    key: str
    title: str
    template: str
    context: Callable[[Any], dict | None]
    order: int = 50


@dataclass(frozen=True)
class DataSubject:
    """Whose data: an account and the email addresses it has verified.

    Rows that hold no user id (a guest-book entry typed at a kiosk) are found by address.
    """

    user: Any | None
    emails: tuple[str, ...] = ()

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "id", None)


@dataclass(frozen=True)
class PersonalDataSection:
    """One feature's share of a person's data (UU 27/2022).

    ``tables`` names every table whose personal data this section exports and erases;
    a test checks that each table with a link to an account, or a column marked
    ``info={"personal": True}``, is named by some section.
    """

    key: str
    tables: tuple[str, ...]
    export: Callable[[DataSubject], Any]
    #: Remove or anonymise the subject's rows (the caller commits).  Sections erase in
    #: reverse ``order``, so the account (order 0) goes last.
    erase: Callable[[DataSubject], None] | None = None
    #: Retention: anonymise or delete what is older than the feature keeps it; returns
    #: how many records changed.  Run daily by ``flask data purge``.
    purge: Callable[[datetime], int] | None = None
    order: int = 50


@dataclass(frozen=True)
class Widget:
    """Content for a named slot on another feature's page (e.g. ratings on a publication)."""

    slot: str
    template: str
    #: Gets the slot's keyword arguments; returns the template's context, or None to skip.
    context: Callable[..., dict | None]
    order: int = 50


@dataclass(frozen=True)
class SearchSort:
    """An order of the catalogue search that another feature knows (e.g. by rating).

    ``order(office_slug)`` (None: every office) returns publication ids in the order they
    should come first; the other matches follow, newest first.
    """

    key: str
    label: str
    order: Callable[[str | None], list[int]]


@dataclass
class Registry:
    """Everything features contributed to this app; stored as ``app.extensions["contrib"]``."""

    features: list[str] = field(default_factory=list)
    nav_links: list[Link] = field(default_factory=list)
    staff_links: list[Link] = field(default_factory=list)
    account_panels: list[AccountPanel] = field(default_factory=list)
    personal_data_sections: list[PersonalDataSection] = field(default_factory=list)
    widgets: dict[str, list[Widget]] = field(default_factory=dict)
    start_tasks: list[Callable[[Flask], None]] = field(default_factory=list)
    search_sorts: list[SearchSort] = field(default_factory=list)

    def nav(self, link: Link) -> None:
        """Add a link to the public navigation of every page."""
        self.nav_links.append(link)
        self.nav_links.sort(key=lambda item: item.order)

    def staff_link(self, link: Link) -> None:
        """Add an entry to the staff menu (the staff home and the header's staff link)."""
        self.staff_links.append(link)
        self.staff_links.sort(key=lambda item: item.order)

    def account_panel(self, panel: AccountPanel) -> None:
        """Add a panel to "Akun saya"."""
        if any(p.key == panel.key for p in self.account_panels):
            raise ValueError(f"account panel {panel.key!r} registered twice")
        self.account_panels.append(panel)
        self.account_panels.sort(key=lambda item: item.order)

    def personal_data(self, section: PersonalDataSection) -> None:
        """Add a section to the personal-data export, erasure and retention."""
        if any(s.key == section.key for s in self.personal_data_sections):
            raise ValueError(f"personal-data section {section.key!r} registered twice")
        self.personal_data_sections.append(section)
        self.personal_data_sections.sort(key=lambda item: item.order)

    def at_start(self, task: Callable[[Flask], None]) -> None:
        """Run ``task(app)`` in an app context once every feature has plugged in."""
        self.start_tasks.append(task)

    def search_sort(self, sort: SearchSort) -> None:
        """Offer another order on the catalogue search page."""
        if any(s.key == sort.key for s in self.search_sorts):
            raise ValueError(f"search sort {sort.key!r} registered twice")
        self.search_sorts.append(sort)

    def widget(self, widget: Widget) -> None:
        """Add content to a named slot of another feature's page."""
        self.widgets.setdefault(widget.slot, []).append(widget)
        self.widgets[widget.slot].sort(key=lambda item: item.order)


def registry(app: Flask | None = None) -> Registry:
    """The registry of an app (the current one by default)."""
    return (app or current_app).extensions["contrib"]


def init_app(app: Flask) -> Registry:
    """Create the app's registry and the template helpers that read it."""
    reg = app.extensions["contrib"] = Registry()

    @app.context_processor
    def contributions():
        return {"nav_links": visible_links(reg.nav_links), "slot": render_slot}

    @app.template_global()
    def staff_menu(office=None) -> list[dict]:
        """The staff entries the current user may open, with their badges."""
        return staff_entries(office if office is not None else g.get("office"))

    return reg


def _allowed(link: Link, office) -> bool:
    if link.when is not None and not link.when():
        return False
    if link.scope == "office" and office is None:
        return False
    if link.scope == "site" and office is not None:
        return False
    if link.audience == "everyone":
        return True
    if not current_user.is_authenticated:
        return False
    if link.audience == "user":
        return True
    if link.audience == "admin":
        return current_user.is_admin
    if office is not None:
        return current_user.is_staff_of(office.slug)
    return current_user.is_admin or current_user.role == "staff"


def _is_current(link: Link) -> bool:
    endpoint = request.endpoint or ""
    if link.current_when is not None and link.current_when(endpoint):
        return True
    return endpoint == link.endpoint or any(endpoint.startswith(p) for p in link.active)


def on_staff_page(endpoint: str) -> bool:
    """Whether an endpoint belongs to a blueprint that contributes staff menu entries."""
    blueprints = {link.endpoint.partition(".")[0] for link in registry().staff_links}
    return endpoint.partition(".")[0] in blueprints


def visible_links(links: list[Link]) -> list[dict]:
    """The links of a list the current user may see on this page."""
    office = g.get("office")
    return [{"link": link, "current": _is_current(link)} for link in links if _allowed(link, office)]


def staff_entries(office: "Office | None") -> list[dict]:
    """Staff menu entries for an office (or the site-wide ones), with badge counts."""
    entries = []
    for link in registry().staff_links:
        if not _allowed(link, office):
            continue
        badge = link.badge(office) if link.badge is not None else None
        entries.append({"link": link, "badge": badge, "current": _is_current(link)})
    return entries


def account_panels(user) -> list[dict]:
    """The panels of "Akun saya" that have something to show for this user, rendered."""
    panels = []
    for panel in registry().account_panels:
        context = panel.context(user)
        if context is not None:
            panels.append({"panel": panel, "html": Markup(render_template(panel.template, **context))})
    return panels


def render_slot(name: str, **kwargs) -> Markup:
    """Render every widget contributed to a slot, in order (empty when there is none)."""
    widgets = registry().widgets.get(name)
    if not widgets:
        return Markup("")
    parts = []
    for widget in widgets:
        context = widget.context(**kwargs)
        if context is not None:
            parts.append(_render_widget(widget.template, {**kwargs, **context}))
    return Markup("".join(parts))


def _render_widget(template: str, context: dict) -> str:
    """A widget's template with the page's template context.

    The context processors (navigation, language, office, …) run once per request for
    every widget rather than once per widget: a results page renders one per hit.
    """
    app = current_app._get_current_object()
    base = g.get("_widget_context")
    if base is None:
        base = {}
        app.update_template_context(base)
        g._widget_context = base
    return app.jinja_env.get_or_select_template(template).render({**base, **context})

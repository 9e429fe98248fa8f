"""axe-core, run in Chromium, finds no serious or critical problem on any page a person opens.

The pages are read from the URL map (GET routes whose arguments are an office or a
publication), so every feature's pages are checked as soon as it plugs in; each is
opened by a visitor at phone and desktop widths, by staff of the office on a desktop, and
in English on a phone.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests import factories

pytestmark = pytest.mark.browser

_ARGUMENT = re.compile(r"<(?:[^:>]+:)?([a-z_]+)(?:\([^)]*\))?>")
#: Pages that are not HTML for people (files, feeds, machine endpoints) or need a token.
SKIP = re.compile(r"(\.json|\.xml|\.txt|\.bib|\.ris|\.csv|/feed|/oai|/berkas/|/layar/status|/saran|/opensearch)")


def html_pages(app, publication_id: int) -> list[str]:
    pages = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if not set(rule.arguments) - set(rule.defaults or ()) <= {"office_slug", "publication_id"}:
            continue
        path = _ARGUMENT.sub(lambda m: {"office_slug": "majenekab",
                                        "publication_id": str(publication_id)}[m.group(1)], rule.rule)
        if not SKIP.search(path) and "catalogue" not in path:
            pages.add(path)
    return sorted(pages)


def test_no_serious_accessibility_problem_on_any_page(app, live_server, make_user, browser, tmp_path):
    factories.import_rows(app, tmp_path, factories.ROWS[2:3])
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    base = live_server
    axe = Axe()
    problems = []
    for role in ("visitor", "staff", "visitor in English"):
        context = browser.new_context(locale="en-GB" if "English" in role else "id-ID")
        page = context.new_page()
        if "English" in role:  # longer words, other labels: the same checks in the other language
            page.goto(f"{base}/bahasa/en")
        if role == "staff":
            page.goto(f"{base}/akun/masuk")
            page.get_by_label("Alamat email").fill("staf@bps.go.id")
            page.get_by_label("Kata sandi").fill("rahasia-123")
            page.get_by_role("button", name="Masuk").click()
        for path in html_pages(app, 1):
            for width in {"visitor": (375, 1280), "staff": (1280,)}.get(role, (375,)):
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(base + path)
                if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
                    continue
                for violation in axe.run(page).response["violations"]:
                    if violation["impact"] in ("serious", "critical"):
                        problems.append((role, width, path, violation["id"], len(violation["nodes"])))
        context.close()
    assert problems == []

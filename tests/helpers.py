"""Small helpers for reading pages the way a person does."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.headings: list[int] = []
        self._skip = 0
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "title"):
            self._skip += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "a" and attrs.get("href"):
            self._href, self._link_text = attrs["href"], []
        if tag in ("p", "li", "div", "tr", "td", "th", "dt", "dd", "h1", "h2", "h3", "br", "span"):
            self.text.append(" ")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._skip -= 1
        if tag == "a" and self._href is not None:
            self.links.append((" ".join("".join(self._link_text).split()), self._href))
            self._href = None

    def handle_data(self, data):
        if self._skip:
            return
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data)


def read_page(html: str | bytes) -> _Page:
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    page = _Page()
    page.feed(html)
    page.close()
    return page


def visible_text(html: str | bytes) -> str:
    """The page's text as a person reads it, whitespace collapsed."""
    return " ".join("".join(read_page(html).text).split())


def squash(text: str) -> str:
    """Collapse whitespace, and re-join words a PDF broke at a hyphen."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text))


def all_steps(groups):
    """Every step text of a requirements/procedure tree, depth first."""
    def walk(steps):
        for step in steps:
            yield step.text
            yield from walk(step.steps)
    for group in groups:
        yield from walk(group.steps)


def csrf_from(html: str | bytes) -> str:
    """The CSRF token of the first form on a page."""
    if isinstance(html, bytes):
        html = html.decode("utf-8")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def login(client, email: str, password: str = "rahasia-123", next_url: str | None = None):
    """Log in through the real form (with its CSRF token)."""
    url = "/akun/masuk" + (f"?next={next_url}" if next_url else "")
    token = csrf_from(client.get(url).data)
    return client.post(url, data={"email": email, "password": password, "csrf_token": token})

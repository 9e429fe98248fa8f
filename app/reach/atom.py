"""Atom 1.0 (RFC 4287) feeds without Flask: plain values in, a document out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from app.reach.xmlout import Node, document

ATOM_NS = "http://www.w3.org/2005/Atom"


def rfc3339(moment: datetime) -> str:
    """A naive UTC (or aware) time as Atom writes it, to the second: 2026-03-02T01:00:00Z."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    #: A permanent IRI: the same for the publication in every feed and for ever.
    id: str
    title: str
    link: str
    updated: datetime
    published: datetime | None = None
    author: str = ""
    summary: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    self_url: str
    alternate_url: str
    updated: datetime
    author: str
    entries: tuple[Entry, ...]
    subtitle: str = ""
    generator: str = ""


def entry_element(entry: Entry) -> Node:
    node = Node("entry").add(
        Node("id", entry.id), Node("title", entry.title, attrs=[("type", "text")]),
        Node("link", attrs=[("rel", "alternate"), ("type", "text/html"), ("href", entry.link)]),
        Node("updated", rfc3339(entry.updated)))
    if entry.published is not None:
        node.add(Node("published", rfc3339(entry.published)))
    if entry.author:
        node.add(Node("author").add(Node("name", entry.author)))
    node.add(*(Node("category", attrs=[("term", term)]) for term in entry.categories))
    if entry.summary:
        node.add(Node("summary", entry.summary, attrs=[("type", "text")]))
    return node


def render_feed(feed: Feed) -> bytes:
    """The feed document; entries in the order given."""
    root = Node("feed", attrs=[("xmlns", ATOM_NS), ("xml:lang", "id")])
    root.add(Node("id", feed.id), Node("title", feed.title, attrs=[("type", "text")]))
    if feed.subtitle:
        root.add(Node("subtitle", feed.subtitle, attrs=[("type", "text")]))
    root.add(Node("link", attrs=[("rel", "self"), ("type", "application/atom+xml"), ("href", feed.self_url)]),
             Node("link", attrs=[("rel", "alternate"), ("type", "text/html"), ("href", feed.alternate_url)]),
             Node("updated", rfc3339(feed.updated)),
             Node("author").add(Node("name", feed.author)))
    if feed.generator:
        root.add(Node("generator", feed.generator))
    root.add(*(entry_element(entry) for entry in feed.entries))
    return document(root)

"""A small XML writer for the documents this feature serves (OAI-PMH, Atom, sitemaps,
OpenSearch), with no Flask: elements carry their prefixes, text is escaped, and
characters XML 1.0 cannot hold are dropped rather than producing a broken document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/F).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text for XML: characters XML cannot hold dropped, markup escaped (for attributes too)."""
    text = NOT_XML.sub("", str(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@dataclass
class Node:
    """An element: ``tag`` with its prefix, text or children (never both), attributes in order."""

    tag: str
    text: str | None = None
    attrs: list[tuple[str, str]] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)

    def add(self, *children: "Node | None") -> "Node":
        self.children.extend(c for c in children if c is not None)
        return self

    def write(self, out: list[str], indent: str = "") -> None:
        attrs = "".join(f' {name}="{xml_text(value)}"' for name, value in self.attrs)
        if self.children:
            out.append(f"{indent}<{self.tag}{attrs}>\n")
            for child in self.children:
                child.write(out, indent + "  ")
            out.append(f"{indent}</{self.tag}>\n")
        elif self.text is not None and self.text != "":
            out.append(f"{indent}<{self.tag}{attrs}>{xml_text(self.text)}</{self.tag}>\n")
        else:
            out.append(f"{indent}<{self.tag}{attrs}/>\n")


def document(root: Node) -> bytes:
    """A whole document, UTF-8 with its declaration."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    root.write(out)
    return "".join(out).encode("utf-8")

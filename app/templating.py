"""The site's Flask class: Flask's, with a Jinja environment whose templates keep their
globals in a plain dict."""

from __future__ import annotations

from flask import Flask
from flask.templating import Environment as FlaskEnvironment


class Environment(FlaskEnvironment):
    """Every render copies its template's globals into the new context (and takes their
    names as a set).  Jinja keeps them as a ChainMap over the environment's globals, which
    Python copies key by key: some 15 µs per render for the site's two dozen globals, paid
    by the page and again by each widget, which is a template of its own (app/contrib.py).

    Here each template gets a plain dict when it is loaded.  The app sets every global
    while it is created, before it loads a template (Jinja's own advice: "avoid modifying
    any globals after a template is loaded"); tests/core/test_app.py checks that every
    loaded template has them all.  A template's own globals still overlay the
    environment's and never change them.
    """

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


class App(Flask):
    jinja_environment = Environment

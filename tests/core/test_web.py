"""The shared web helpers: bounded numbers, LIKE patterns, local redirects, slugs, caching."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.web import like_pattern, page_arg, parse_int, safe_next, slugify, text_arg, with_query


@pytest.mark.parametrize("value, expected", [
    ("7", 7), (" 12 ", 12), ("-3", -3), (5, 5), ("", None), (None, None), ("abc", None),
    ("1.5", None), ("²", None), ("٣", None), ("１２", None), ("9" * 13, None), ("9" * 5000, None),
    (True, None), ("0x10", None),
])
def test_parse_int_accepts_only_short_ascii_numbers(value, expected):
    assert parse_int(value) == expected


def test_parse_int_bounds():
    assert parse_int("0", minimum=1) is None
    assert parse_int("10", maximum=9, default=1) == 1
    assert parse_int("9", minimum=1, maximum=9) == 9


@pytest.mark.parametrize("raw, expected", [
    ("", 1), ("3", 3), ("0", 1), ("-1", 1), ("10000", 10_000), ("10001", 1), ("9" * 400, 1), ("٣", 1),
])
def test_page_numbers_are_bounded(raw, expected):
    assert page_arg(MultiDict({"page": raw})) == expected


def test_text_arg_collapses_and_caps():
    assert text_arg(MultiDict({"q": "  dalam \t angka  "}), "q") == "dalam angka"
    assert len(text_arg(MultiDict({"q": "x" * 500}), "q", 120)) == 120
    assert text_arg(MultiDict(), "q") == ""
    assert text_arg(MultiDict({"q": "da\x00lam\x1b[31m"}), "q") == "dalam[31m"


def test_like_pattern_escapes_wildcards():
    assert like_pattern("100%_a\\b") == "%100\\%\\_a\\\\b%"


@pytest.mark.parametrize("target, expected", [
    ("/majenekab/katalog?q=x", "/majenekab/katalog?q=x"), ("https://evil.example/", None),
    ("//evil.example/", None), ("/\\evil.example", None), ("javascript:alert(1)", None), ("", None),
    (None, None), ("/akun/\r\nSet-Cookie: x=1", None), ("relative/path", None),
])
def test_safe_next_allows_local_paths_only(target, expected):
    assert safe_next(target) == expected


@pytest.mark.parametrize("args", [
    {}, {"q": ["penduduk"]}, {"q": ["dalam angka", "x+y"], "year": [2023, "2024"]},
    {"q": ["a&b=c#d?e/f", "é 💥", "!$'()*,/:;?@~%20"], "subject": ["Kependudukan"], "page": [2]},
    {"q": [""], "format": [None, "softcopy"]},
])
def test_with_query_builds_what_url_for_builds(app, args):
    """Search pages build their facet, sort and page links with with_query: the same
    strings url_for would have built, whatever a visitor typed."""
    from flask import url_for

    with app.test_request_context("/"):
        assert with_query("/katalog", args) == url_for("catalogue_all.search_all", **args)


def test_slugify():
    assert slugify("Statistik Daerah Kabupaten Majene 2024") == "statistik-daerah-kabupaten-majene-2024"
    assert slugify("Indeks Harga Konsumen – Kota Bengkulu (2023)") == "indeks-harga-konsumen-kota-bengkulu-2023"
    assert slugify("Zoë Ñandú", 6) == "zoe-na"
    assert slugify("中文", fallback="publikasi") == "publikasi"


def test_staff_and_account_pages_are_never_cached(app, make_user):
    from tests.helpers import login

    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    client = app.test_client()
    login(client, "staf@bps.go.id")
    for url in ("/majenekab/staf/", "/majenekab/staf/katalog", "/majenekab/staf/akses-softcopy", "/akun/",
                "/akun/unduhan"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url


def test_public_pages_answer_conditional_requests(client):
    for url in ("/", "/majenekab/", "/majenekab/katalog"):
        first = client.get(url)
        assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache", url
        etag = first.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b"", url


def test_pages_with_forms_or_a_login_are_not_given_etags(app, client, make_user):
    from tests.helpers import login

    assert "ETag" not in client.get("/akun/masuk").headers  # a CSRF token in the session
    make_user()
    login(client, "pengguna@contoh.id")
    assert "ETag" not in client.get("/majenekab/").headers

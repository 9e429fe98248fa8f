"""Static files: hashed names cached for a year, compressed, plain names still served."""

from __future__ import annotations

import gzip
import re


def test_pages_link_hashed_static_files_that_are_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)
    js = re.search(r'src="(/static/js/site\.[0-9a-f]{12}\.js)"', html).group(1)
    with client.get(css) as response:
        assert response.status_code == 200 and b".citation" in response.data
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with client.get(js, headers={"Accept-Encoding": "gzip"}) as compressed:
        assert compressed.headers["Content-Encoding"] == "gzip"
        assert b"DOMContentLoaded" in gzip.decompress(compressed.data)


def test_a_changed_file_gets_a_new_name(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "site.css").write_text("body { color: red; }")
    from app.assets import build

    one = build(static, tmp_path / "out")
    (static / "css" / "site.css").write_text("body { color: blue; }")
    two = build(static, tmp_path / "out")
    assert one["css/site.css"] != two["css/site.css"]
    assert (tmp_path / "out" / one["css/site.css"]).read_text() == "body { color: red; }"  # old pages still work


def test_plain_static_names_still_work(client):
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200 and b".citation" in response.data

"""The staff home lists every feature's staff pages for the office, for its staff only."""

from __future__ import annotations

from tests.helpers import login, read_page, visible_text


def client_of(app, email):
    client = app.test_client()
    login(client, email)
    return client


def test_staff_home_lists_the_office_pages(app, make_user):
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    staff = client_of(app, "staf@bps.go.id")
    page = staff.get("/majenekab/staf/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    links = read_page(page.data).links
    assert ("Katalog", "/majenekab/staf/katalog") in links
    assert ("Akses softcopy", "/majenekab/staf/akses-softcopy") in links
    assert "/staf/pengguna" not in dict((href, text) for text, href in links)  # administrators only
    assert ("Staf", "/majenekab/staf/") in read_page(staff.get("/majenekab/").data).links
    # The site-wide staff home sends staff to their own office.
    assert staff.get("/staf/").headers["Location"] == "/majenekab/staf/"


def test_others_cannot_open_it(app, make_user):
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    make_user(email="pengguna@contoh.id")
    assert app.test_client().get("/majenekab/staf/").status_code == 302  # to the login page
    assert client_of(app, "staf@bps.go.id").get("/bengkulu/staf/").status_code == 403
    user = client_of(app, "pengguna@contoh.id")
    assert user.get("/majenekab/staf/").status_code == 403
    assert user.get("/staf/").status_code == 403
    assert "Staf" not in [text for text, _ in read_page(user.get("/majenekab/").data).links]


def test_administrators_see_every_office_and_the_site_pages(app, make_user):
    make_user(email="admin@bps.go.id", role="admin")
    admin = client_of(app, "admin@bps.go.id")
    site = read_page(admin.get("/staf/").data)
    assert ("Kelola pengguna", "/staf/pengguna") in site.links
    assert ("BPS Kabupaten Majene", "/majenekab/staf/") in site.links
    assert ("BPS Provinsi Bengkulu", "/bengkulu/staf/") in site.links
    office = read_page(admin.get("/bengkulu/staf/").data)
    assert ("Katalog", "/bengkulu/staf/katalog") in office.links
    account = visible_text(admin.get("/akun/").data)
    assert "Halaman staf" in account and "Halaman staf BPS Kota Sawahlunto" in account


def test_one_office_site_has_the_staff_home_at_staf(make_app, make_user):
    app = make_app(SITE_OFFICE="majenekab")
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    staff = client_of(app, "staf@bps.go.id")
    links = read_page(staff.get("/staf/").data).links
    assert ("Katalog", "/staf/katalog") in links


def test_the_staff_link_is_current_on_every_features_staff_pages(app, make_user):
    make_user(email="staf@bps.go.id", role="staff", office="majenekab")
    staff = client_of(app, "staf@bps.go.id")
    for url in ("/majenekab/staf/", "/majenekab/staf/katalog", "/majenekab/staf/akses-softcopy"):
        html = staff.get(url).get_data(as_text=True)
        assert '<a href="/majenekab/staf/" aria-current="page">Staf</a>' in html, url
    html = staff.get("/majenekab/katalog").get_data(as_text=True)
    assert '<a href="/majenekab/staf/" aria-current="page">' not in html

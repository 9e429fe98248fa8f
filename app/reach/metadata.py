"""A publication and an office described for machines: Dublin Core, schema.org, citations.

Plain functions (no Flask, no database): they take a publication row, its office
profile and the absolute URLs the caller built, and return plain values.  None of them
names a softcopy's address: a softcopy is only for a logged-in reader, stamped with
their name (app/catalogue/views.py).
"""

from __future__ import annotations

import json

from app.catalogue.citation import CitationData
from app.catalogue.models import Publication
from app.offices import Office

SCHEMA_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def corporate_name(office: Office) -> str:
    """The office as a corporate author: 'Badan Pusat Statistik Kabupaten Majene'."""
    return office.name.replace("BPS ", "Badan Pusat Statistik ", 1)


def languages(code: str) -> list[str]:
    """'id-en' → ['id', 'en'] (RFC 5646 codes, as Dublin Core and schema.org take them)."""
    return [part for part in (code or "id").split("-") if part] or ["id"]


def published(publication: Publication) -> str | None:
    """The release date (ISO), else the year."""
    if publication.release_date:
        return publication.release_date.isoformat()
    return str(publication.year) if publication.year else None


def citation_for(publication: Publication, office: Office, url: str) -> CitationData:
    """What the catalogue's citation formats (RIS, BibTeX) need, for any office's publication."""
    author = corporate_name(office)
    return CitationData(
        author=author, title=publication.title, year=publication.year, publisher=author,
        place=office.city, catalogue_number=publication.catalogue_number,
        publication_number=publication.publication_number, issn=publication.issn, isbn=publication.isbn,
        language=publication.language, abstract=publication.abstract or "",
        subjects=tuple(publication.subjects or ()), release_date=publication.release_date,
        pages=publication.pages, url=url)


def dublin_core(publication: Publication, office: Office, url: str) -> list[tuple[str, str]]:
    """Unqualified Dublin Core (oai_dc) elements, in the order OAI-PMH harvesters expect.

    creator and publisher are the office; identifier is the publication page; relation
    holds the ISSN (the series) and ISBN as URNs.
    """
    author = corporate_name(office)
    fields = [("title", publication.title), ("creator", author)]
    fields += [("subject", subject) for subject in publication.subjects or ()]
    if publication.abstract:
        fields.append(("description", " ".join(publication.abstract.split())))
    fields.append(("publisher", author))
    if published(publication):
        fields.append(("date", published(publication)))
    fields.append(("type", "Text"))
    if publication.has_softcopy:
        fields.append(("format", "application/pdf"))
    if publication.has_hardcopy:
        fields.append(("format", "Tercetak (hardcopy)"))
    if publication.pages:
        fields.append(("format", f"{publication.pages} halaman"))
    fields.append(("identifier", url))
    if publication.catalogue_number:
        fields.append(("identifier", f"No. Katalog BPS {publication.catalogue_number}"))
    fields += [("language", code) for code in languages(publication.language)]
    if publication.issn:
        fields.append(("relation", f"urn:issn:{publication.issn}"))
    if publication.isbn:
        fields.append(("relation", f"urn:isbn:{publication.isbn}"))
    return fields


def publication_jsonld(publication: Publication, office: Office, url: str, office_url: str) -> dict:
    """schema.org ``Book`` (with an ISBN) or ``Report``: name, author organisation,
    datePublished, isbn / the ISSN of its series, inLanguage, about."""
    organisation = {"@type": "GovernmentOrganization", "name": corporate_name(office), "url": office_url}
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Book" if publication.isbn else "Report",
        "@id": url,
        "url": url,
        "name": publication.title,
        "author": organisation,
        "publisher": organisation,
    }
    if published(publication):
        data["datePublished"] = published(publication)
    if publication.isbn:
        data["isbn"] = publication.isbn
        if publication.pages:
            data["numberOfPages"] = publication.pages
    elif publication.publication_number:
        data["reportNumber"] = publication.publication_number
    if publication.issn:
        data["isPartOf"] = {"@type": "CreativeWorkSeries", "issn": publication.issn}
    codes = languages(publication.language)
    data["inLanguage"] = codes[0] if len(codes) == 1 else codes
    if publication.subjects:
        data["about"] = [{"@type": "Thing", "name": subject} for subject in publication.subjects]
        data["keywords"] = ", ".join(publication.subjects)
    if publication.abstract:
        data["description"] = " ".join(publication.abstract.split())
    if publication.catalogue_number:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "No. Katalog BPS",
                              "value": publication.catalogue_number}
    return data


def office_jsonld(office: Office, url: str) -> dict:
    """schema.org ``GovernmentOffice``: address, telephone, opening hours (breaks split them)."""
    address = {"@type": "PostalAddress", "streetAddress": office.address, "addressLocality": office.city,
               "addressRegion": office.province, "addressCountry": "ID"}
    if office.postcode:
        address["postalCode"] = office.postcode
    data: dict = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "@id": url,
        "url": url,
        "name": office.name,
        "alternateName": office.unit_name,
        "address": address,
        "parentOrganization": {"@type": "GovernmentOrganization", "name": "Badan Pusat Statistik",
                               "url": "https://www.bps.go.id"},
    }
    if office.phone:
        data["telephone"] = office.phone
    if office.email:
        data["email"] = office.email
    if office.website:
        data["sameAs"] = office.website
    hours = []
    for day in office.hours:
        start = day.open
        for pause in sorted(day.breaks, key=lambda b: b.start):
            hours.append((day.weekday, start, pause.start))
            start = pause.end
        hours.append((day.weekday, start, day.close))
    if hours:
        data["openingHoursSpecification"] = [
            {"@type": "OpeningHoursSpecification", "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[weekday]}",
             "opens": opens.strftime("%H:%M"), "closes": closes.strftime("%H:%M")}
            for weekday, opens, closes in hours if opens < closes]
    return data


def jsonld_script_text(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">`` block: nothing in it can close
    the element or start markup (``<``, ``>`` and ``&`` are written as \\u escapes)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))

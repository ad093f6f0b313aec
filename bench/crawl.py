"""What bench_pages.py follows on a page, as pure functions: the links of an HTML page (stdlib html.parser),
which of them are pages worth timing (same site, a GET that changes nothing, not a file), one normal form
per URL, and the first detail link of each list on a page.

A list is recognised without naming any page: three or more links whose paths differ only in segments
holding a digit (an id, an area code, a date: `/places/households/12/`, `/places/areas/340403/`) are the
rows of one list, and the first of them is its detail page; so is a page's first link to its own path plus
such a segment (`/places/areas/` -> `/places/areas/340400/`: the one area of a commander's list). The pages
of a section (`/epi/cases/`, `/epi/quarantines/` on `/epi/`) are followed as if linked from the home.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

LIST_MIN_ROWS = 3
# Paths never timed: leaving, switching the language, the admin's and the API's own pages, files.
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media/", "/api/", "/admin/")
SKIP_SUFFIXES = (".pdf", ".xlsx", ".xls", ".csv", ".zip", ".png", ".jpg", ".svg", ".ico", ".js", ".css")
# A segment that names a download or a state change (`.../export.xlsx`, `.../pdf/`, `.../delete/`).
SKIP_SEGMENT = re.compile(
    r"^(?:export|download|pdf|xlsx|csv|print|delete|remove|logout|renew|approve|reject|resolve)(?:\..*)?$",
    re.IGNORECASE,
)
SKIP_SCHEMES = ("mailto:", "tel:", "sms:", "javascript:", "data:")
# Query parameters that ask for a file or an action rather than a page.
SKIP_QUERY_KEYS = {"format", "export", "download", "action"}
HX_AUTOMATIC = re.compile(r"\b(?:load|revealed|intersect|every)\b")


@dataclass(frozen=True)
class Link:
    href: str
    fragment: bool = False  # requested by htmx on its own (hx-get with a load trigger), not by a click


class LinkParser(HTMLParser):
    """`<a href>` of a page in document order, and the `hx-get` requests that htmx sends by itself."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "a" and values.get("href"):
            self.links.append(Link(values["href"].strip()))
        if values.get("hx-get") and HX_AUTOMATIC.search(values.get("hx-trigger", "")):
            self.links.append(Link(values["hx-get"].strip(), fragment=True))


def extract_links(html: str) -> list[Link]:
    parser = LinkParser()
    parser.feed(html)
    parser.close()
    return parser.links


def normalize(href: str, page: str, host: str = "") -> str | None:
    """The site path + sorted query of `href` found on `page` (a path), or None when it is not a page to
    time: another site, a scheme other than http(s), an anchor on the same page, a file, an export, a
    link that logs out or changes something. `host` ("127.0.0.1:8771") is this site's address."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(SKIP_SCHEMES):
        return None
    base = f"http://{host or 'site.invalid'}"
    parts = urlsplit(urljoin(base + page, href))
    if parts.scheme not in ("http", "https") or parts.netloc != (host or "site.invalid"):
        return None
    path = parts.path or "/"
    if path.startswith(SKIP_PREFIXES) or path.lower().endswith(SKIP_SUFFIXES):
        return None
    if any(SKIP_SEGMENT.match(segment) for segment in path.split("/") if segment):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(key.lower() in SKIP_QUERY_KEYS for key, _value in query):
        return None
    normal = sorted((k, v) for k, v in query if v != "")  # an empty filter is the page without it
    return path + ("?" + urlencode(normal) if normal else "")


def pattern(url: str) -> str | None:
    """The shape of `url`'s path with every segment that holds a digit replaced by `*`, or None when no
    segment varies (`/places/areas/340403/` -> `/places/areas/*/`)."""
    path = urlsplit(url).path
    segments = path.split("/")
    shaped = ["*" if re.search(r"\d", s) else s for s in segments]
    return "/".join(shaped) if shaped != segments else None


def lists(urls: list[str]) -> list[list[str]]:
    """The lists among `urls` (normalised, in page order): LIST_MIN_ROWS or more distinct paths of the same
    pattern, each list's rows in page order, the lists in the order they first appear."""
    members: dict[str, list[str]] = {}
    for url in urls:
        shape = pattern(url)
        if shape is None:
            continue
        path = urlsplit(url).path
        rows = members.setdefault(shape, [])
        if path not in (urlsplit(u).path for u in rows):
            rows.append(url)
    return [rows for rows in members.values() if len(rows) >= LIST_MIN_ROWS]


def child(url: str, page: str) -> bool:
    """Whether `url` is `page`'s path plus one segment holding a digit (`/epi/cases/` -> `/epi/cases/12/`):
    a row of the page's own list, even when the list has a single row (a commander's one area)."""
    path, base = urlsplit(url).path, urlsplit(page).path
    rest = path.removeprefix(base).strip("/") if base.endswith("/") and path.startswith(base) else ""
    return bool(rest) and "/" not in rest and re.search(r"\d", rest) is not None


def subpage(url: str, page: str) -> bool:
    """Whether `url` is a page of `page`'s own section, not a detail: its path extends `page`'s path (not
    the root) with segments that hold no digit (`/epi/` -> `/epi/cases/`, `/epi/cases/new/`)."""
    path, base = urlsplit(url).path, urlsplit(page).path
    if base == "/" or not base.endswith("/") or not path.startswith(base) or path == base:
        return False
    return re.search(r"\d", path.removeprefix(base)) is None


def detail_links(urls: list[str], page: str = "") -> list[str]:
    """The first row of each list among `urls` (links found on `page`): its detail page; the first link to
    a child of `page` too, when it is not one of those."""
    first = [rows[0] for rows in lists(urls)]
    children = [url for url in urls if page and child(url, page)]
    if children and pattern(children[0]) not in {pattern(url) for url in first}:
        first.append(children[0])
    return first


def other_rows(urls: list[str]) -> set[str]:
    """The rows of the lists among `urls` after the first: the same page as the first, for other ids."""
    return {url for rows in lists(urls) for url in rows[1:]}

"""bench/crawl.py, what the benchmark of every page follows: the links of a page, which of them are pages to
time, and the first detail page of each list, found by the shape of the links alone."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from crawl import Link, detail_links, extract_links, normalize, pattern, subpage

HOST = "127.0.0.1:8771"


def test_links_are_read_in_page_order_with_the_htmx_panels_a_page_loads_by_itself():
    html = """
    <nav><a href="/">Home</a><a href='/people/residents/'>Residents</a></nav>
    <div hx-get="/epi/panel/" hx-trigger="load" hx-swap="innerHTML"><a href="/epi/">Epidemic</a></div>
    <button hx-get="/care/errands/" hx-trigger="click">not by itself</button>
    <a name="top">no href</a><a href="">empty</a>
    """
    assert extract_links(html) == [
        Link("/"),
        Link("/people/residents/"),
        Link("/epi/panel/", fragment=True),
        Link("/epi/"),
    ]


def test_a_link_becomes_a_path_with_its_query_sorted_and_empty_filters_dropped():
    assert normalize("/care/errands/?show=mine&grid=3", "/", HOST) == "/care/errands/?grid=3&show=mine"
    assert normalize("?page=2&q=", "/access/passages/", HOST) == "/access/passages/?page=2"
    assert normalize("../340403/#map", "/places/areas/340402/", HOST) == "/places/areas/340403/"
    assert normalize(f"http://{HOST}/epi/cases/", "/", HOST) == "/epi/cases/"


def test_links_that_leave_download_or_act_are_not_followed():
    for href in [
        "#top",
        "mailto:office@example.org",
        "tel:13800000000",
        "javascript:void(0)",
        "https://www.gov.cn/",
        "http://127.0.0.1:9999/",
        "/accounts/logout/",
        "/i18n/setlang/",
        "/static/css/lianfang.css",
        "/admin/",
        "/api/v1/docs",
        "/access/passages/export.xlsx?gate=3",
        "/access/compounds/4/passes.pdf",
        "/watch/reports/340403001000/2026-02-10/pdf/",
        "/people/residents/?format=xlsx",
    ]:
        assert normalize(href, "/", HOST) is None, href


def test_the_shape_of_a_path_replaces_the_segments_that_hold_a_digit():
    assert pattern("/places/areas/340403/") == "/places/areas/*/"
    assert pattern("/watch/reports/340403001000/2026-02-10/") == "/watch/reports/*/*/"
    assert pattern("/places/areas/?level=street") is None


def test_three_links_of_one_shape_are_a_list_and_its_first_row_is_followed():
    page = [
        "/",
        "/places/areas/340402/",
        "/places/households/7/",
        "/places/areas/340403/",
        "/places/households/8/",
        "/places/areas/340404/",
        "/places/areas/340403/?tab=gates",
    ]
    assert detail_links(page) == ["/places/areas/340402/"]
    assert detail_links([*page, "/places/households/9/"]) == [
        "/places/areas/340402/",
        "/places/households/7/",
    ]


def test_pages_of_one_list_or_filters_of_one_page_are_not_a_list():
    assert (
        detail_links(["/access/passages/?page=2", "/access/passages/?page=3", "/access/passages/?page=4"])
        == []
    )
    assert detail_links(["/epi/cases/1/", "/epi/cases/1/?tab=contacts", "/epi/cases/2/"]) == []


def test_a_link_to_the_pages_own_path_plus_an_id_is_a_list_of_one_row():
    found = ["/", "/places/areas/340400/", "/people/residents/", "/places/areas/?level=city"]
    assert detail_links(found, "/places/areas/") == ["/places/areas/340400/"]
    assert detail_links(["/places/areas/340400/gates/"], "/places/areas/") == []
    assert detail_links(["/epi/cases/new/", "/epi/cases/12/", "/epi/cases/13/"], "/epi/cases/") == [
        "/epi/cases/12/"
    ]


def test_the_pages_of_a_section_extend_its_path_without_an_id():
    assert subpage("/epi/cases/", "/epi/")
    assert subpage("/epi/cases/new/", "/epi/")
    assert not subpage("/epi/cases/12/", "/epi/")
    assert not subpage("/epi/", "/epi/")
    assert not subpage("/care/", "/epi/")
    assert not subpage("/epi/", "/")

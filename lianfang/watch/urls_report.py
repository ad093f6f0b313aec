"""The watch app's report pages (joined into the `watch` namespace by watch/urls.py): a community's daily
report by the community's code and the day (`/watch/reports/340403001001/2026-02-10/`), an area's day of
reports with its roll-up and downloads (`/watch/reports/areas/340403001000/2026-02-10/`)."""

from __future__ import annotations

import datetime

from django.urls import URLPattern, path, register_converter

from lianfang.watch import views_report as views


class DayConverter:
    """A day in the URL (YYYY-MM-DD); a text that is no date is no match (404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError: no match

    def to_url(self, value: datetime.date | str) -> str:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(DayConverter, "reportday")

urlpatterns: list[URLPattern] = [
    path("reports/", views.reports, name="reports"),
    path("reports/<str:code>/<reportday:day>/", views.report_detail, name="report"),
    path("reports/<str:code>/<reportday:day>/save/", views.report_save, name="report-save"),
    path("reports/<str:code>/<reportday:day>/return/", views.report_return, name="report-return"),
    path("reports/<str:code>/<reportday:day>/accept/", views.report_accept, name="report-accept"),
    path("reports/<str:code>/<reportday:day>/pdf/", views.report_download, name="report-pdf"),
    path("reports/areas/<str:code>/<reportday:day>/", views.report_area, name="report-area"),
    path("reports/areas/<str:code>/<reportday:day>/xlsx/", views.report_area_xlsx, name="report-area-xlsx"),
    path("reports/areas/<str:code>/<reportday:day>/pdf/", views.report_area_pdf, name="report-area-pdf"),
]

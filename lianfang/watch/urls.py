"""The watch app's pages under /watch/: the alert inbox, risk levels, daily reports, statistics."""

from lianfang.watch import urls_inbox, urls_report, urls_risk, urls_stats

app_name = "watch"
urlpatterns = [
    *urls_inbox.urlpatterns,
    *urls_risk.urlpatterns,
    *urls_report.urlpatterns,
    *urls_stats.urlpatterns,
]

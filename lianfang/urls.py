"""The root URLconf. Every page needs a login (LoginRequiredMiddleware) unless its view says
`login_not_required`: the login and logout pages, `/healthz`, the household's secret-link page, the
language switch below, the JSON API, which checks its own tokens and sessions and answers 401 in JSON
instead of a redirect, and the admin, which sends to its own login page. Static files are served by
WhiteNoise before any view. `core/tests/test_permission_matrix.py` tries every pattern here.

A page keeps its URL and its name when its code moves to another app: the pages of the top apps (home,
portal) that live under a lower app's prefix are joined here into that app's namespace
(`people:resident-detail`, `access:household-link`), so no link had to change."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from lianfang.access import urls as access_urls
from lianfang.api import api
from lianfang.core import views as core_views
from lianfang.home import urls_people as home_people_urls
from lianfang.home import views as home_views
from lianfang.people import urls as people_urls
from lianfang.portal import urls as portal_urls


def authenticating_itself(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    """Exempt every view of an included URLconf that authenticates its requests itself."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            authenticating_itself(pattern.url_patterns)
        elif getattr(pattern.callback, "login_required", True):  # not marked yet (the admin's login is)
            login_not_required(pattern.callback)
    return patterns


api_patterns, api_app, api_namespace = api.urls
admin_patterns, admin_app, admin_namespace = admin.site.urls

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),  # on the login page too
    path("accounts/", include("lianfang.accounts.urls")),
    path("places/", include("lianfang.home.urls_places")),
    path("people/", include((people_urls.urlpatterns + home_people_urls.urlpatterns, "people"))),
    path("audit/", include("lianfang.core.urls")),
    path("access/", include((access_urls.urlpatterns + portal_urls.urlpatterns, "access"))),
    path("epi/", include("lianfang.epi.urls")),
    path("care/", include("lianfang.care.urls")),
    path("supplies/", include("lianfang.supplies.urls")),
    path("mobilize/", include("lianfang.mobilize.urls")),
    path("watch/", include("lianfang.watch.urls")),
    path("notices/", include("lianfang.notices.urls")),
    path("dashboard/", include("lianfang.home.urls_dashboard")),
    path("api/v1/", (authenticating_itself(api_patterns), api_app, api_namespace)),
    path("admin/", (authenticating_itself(admin_patterns), admin_app, admin_namespace)),
]

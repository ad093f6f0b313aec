"""The site's URLs. A page keeps its URL and its name when its code moves to another app: the pages of the
top apps (home, portal) that live under a lower app's prefix are joined here into that app's namespace
(`people:resident-detail`, `access:household-link`), so no link had to change."""

from django.contrib import admin
from django.urls import include, path

from lianfang.access import urls as access_urls
from lianfang.api import api
from lianfang.core import views as core_views
from lianfang.home import urls_people as home_people_urls
from lianfang.home import views as home_views
from lianfang.people import urls as people_urls
from lianfang.portal import urls as portal_urls

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("lianfang.accounts.urls")),
    path("places/", include("lianfang.home.urls_places")),
    path("people/", include((people_urls.urlpatterns + home_people_urls.urlpatterns, "people"))),
    path("audit/", include("lianfang.core.urls")),
    path("access/", include((access_urls.urlpatterns + portal_urls.urlpatterns, "access"))),
    path("epi/", include("lianfang.epi.urls")),
    path("care/", include("lianfang.care.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

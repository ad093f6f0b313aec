from django.contrib import admin
from django.urls import include, path

from lianfang.api import api
from lianfang.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("lianfang.accounts.urls")),
    path("places/", include("lianfang.places.urls")),
    path("people/", include("lianfang.people.urls")),
    path("audit/", include("lianfang.core.urls")),
    path("access/", include("lianfang.access.urls")),
    path("epi/", include("lianfang.epi.urls")),
    path("care/", include("lianfang.care.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

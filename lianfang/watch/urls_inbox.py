"""The watch app's inbox pages (joined into the `watch` namespace by watch/urls.py)."""

from django.urls import URLPattern, path

from lianfang.watch import views_inbox as v

urlpatterns: list[URLPattern] = [
    path("alerts/", v.inbox, name="inbox"),
    path("alerts/<int:pk>/", v.alert_detail, name="alert-detail"),
    path("alerts/<int:pk>/acknowledge/", v.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/<int:pk>/assign/", v.alert_assign, name="alert-assign"),
    path("alerts/<int:pk>/resolve/", v.alert_resolve, name="alert-resolve"),
    path("alerts/<int:pk>/note/", v.alert_note, name="alert-note"),
    path("alerts/response-times/<str:code>/", v.alert_policy, name="alert-policy"),
]

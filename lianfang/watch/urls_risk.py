"""The watch app's risk pages (joined into the `watch` namespace by watch/urls.py)."""

from django.urls import URLPattern, path

from lianfang.watch import views_risk

urlpatterns: list[URLPattern] = [
    path("risk-levels/", views_risk.risk_levels, name="risk-levels"),
    path("risk-levels/assess/", views_risk.risk_assess, name="risk-assess"),
    path("risk-levels/areas/<str:code>/", views_risk.risk_area, name="risk-area"),
    path("risk-levels/compounds/<int:pk>/", views_risk.risk_compound, name="risk-compound"),
    path("risk-levels/suggestions/<int:pk>/approve/", views_risk.risk_approve, name="risk-approve"),
    path("risk-levels/suggestions/<int:pk>/dismiss/", views_risk.risk_dismiss, name="risk-dismiss"),
]

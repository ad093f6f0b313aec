"""The resident page, joined into people's URL namespace by lianfang/urls.py (URL and name unchanged)."""

from django.urls import path

from lianfang.home import views_people

urlpatterns = [
    path("residents/<int:pk>/", views_people.resident_detail, name="resident-detail"),
]

"""The watch app's report pages (joined into the `watch` namespace by watch/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

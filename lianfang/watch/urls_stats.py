"""The watch app's stats pages (joined into the `watch` namespace by watch/urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

"""The household's pages, joined into access's URL namespace by lianfang/urls.py: their URLs (the secret
link /access/h/<key>/ is printed and sent to households) and their names did not change."""

from django.urls import path

from lianfang.portal import views

urlpatterns = [
    path("households/<int:pk>/link/", views.household_link_renew, name="household-link-renew"),
    path("h/<str:key>/", views.household_link, name="household-link"),
    path("my-household/", views.my_household, name="my-household"),
    # A notice's attachment, for a household that received the notice (the link, or the resident's login).
    path("h/<str:key>/notices/<int:pk>/attachment/", views.household_link_attachment, name="link-attachment"),
    path("my-household/notices/<int:pk>/attachment/", views.my_household_attachment, name="my-attachment"),
]

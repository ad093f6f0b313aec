"""The place pages, under /places/ with the namespace `places` they always had (served by home: they count
residents and show a household's passes)."""

from django.urls import path

from lianfang.home import views_places as views

app_name = "places"
urlpatterns = [
    path("areas/", views.area_list, name="area-list"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound-detail"),
    path("buildings/<int:pk>/", views.building_detail, name="building-detail"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
]

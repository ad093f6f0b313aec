from django.urls import path

from lianfang.places import views

app_name = "places"
urlpatterns = [
    path("areas/", views.area_list, name="area-list"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
    path("compounds/<int:pk>/", views.compound_detail, name="compound-detail"),
    path("buildings/<int:pk>/", views.building_detail, name="building-detail"),
    path("households/<int:pk>/", views.household_detail, name="household-detail"),
]

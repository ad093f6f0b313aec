from django.urls import path

from lianfang.people import views, views_import

app_name = "people"
urlpatterns = [
    path("residents/", views.search, name="search"),
    path("residents/export.xlsx", views_import.export_residents, name="export"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident-edit"),
    path("residents/<int:pk>/move/", views.resident_move, name="resident-move"),
    path("residents/<int:pk>/id-number/", views.resident_reveal_id, name="resident-reveal-id"),
    path("residents/<int:pk>/travels/new/", views.travel_create, name="travel-create"),
    path("households/<int:household_pk>/residents/new/", views.resident_create, name="resident-create"),
    path("households/<int:household_pk>/visits/new/", views.visit_create, name="visit-create"),
    path("imports/", views_import.import_start, name="import-start"),
    path("imports/<int:pk>/", views_import.import_preview, name="import-preview"),
    path("imports/<int:pk>/progress/", views_import.import_progress, name="import-progress"),
    path("imports/<int:pk>/commit/", views_import.import_commit, name="import-commit"),
]

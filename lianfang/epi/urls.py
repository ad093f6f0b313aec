from django.urls import path

from lianfang.epi import views, views_cases, views_lockdowns, views_quarantines

app_name = "epi"
urlpatterns = [
    path("", views.index, name="index"),
    path("panel/", views.home_panel, name="home-panel"),
    # Cases and contacts (views_cases.py).
    path("cases/", views_cases.case_list, name="case-list"),
    path("cases/new/", views_cases.case_create, name="case-create"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case-detail"),
    path("cases/<int:pk>/status/", views_cases.case_status, name="case-status"),
    path("cases/<int:pk>/dates/", views_cases.case_dates, name="case-dates"),
    path("cases/<int:pk>/contacts/confirm/", views_cases.contact_confirm, name="contact-confirm"),
    path("cases/<int:pk>/contacts/dismiss/", views_cases.contact_dismiss, name="contact-dismiss"),
    path("cases/<int:pk>/contacts/bulk/", views_cases.contact_bulk, name="contact-bulk"),
    # Lockdowns (views_lockdowns.py).
    path("lockdowns/", views_lockdowns.lockdown_list, name="lockdown-list"),
    path("lockdowns/new/", views_lockdowns.lockdown_new, name="lockdown-new"),
    path("lockdowns/apply/", views_lockdowns.lockdown_apply, name="lockdown-apply"),
    path("lockdowns/<int:pk>/", views_lockdowns.lockdown_detail, name="lockdown-detail"),
    path("lockdowns/<int:pk>/lift/", views_lockdowns.lockdown_lift, name="lockdown-lift"),
    path("lockdowns/<int:pk>/extend/", views_lockdowns.lockdown_extend, name="lockdown-extend"),
    # Quarantines, health checks, facilities (views_quarantines.py).
    path("quarantines/", views_quarantines.quarantine_list, name="quarantine-list"),
    path("quarantines/<int:pk>/", views_quarantines.quarantine_detail, name="quarantine-detail"),
    path("quarantines/<int:pk>/extend/", views_quarantines.quarantine_extend, name="quarantine-extend"),
    path("quarantines/<int:pk>/shorten/", views_quarantines.quarantine_shorten, name="quarantine-shorten"),
    path("quarantines/<int:pk>/release/", views_quarantines.quarantine_release, name="quarantine-release"),
    path("quarantines/<int:pk>/room/", views_quarantines.quarantine_room, name="quarantine-room"),
    path("residents/<int:pk>/checks/new/", views_quarantines.check_create, name="check-create"),
    path("facilities/", views_quarantines.facility_list, name="facility-list"),
    path("facilities/<int:pk>/", views_quarantines.facility_detail, name="facility-detail"),
]

from django.urls import path

from lianfang.care import views, views_errands, views_households, views_places

app_name = "care"
urlpatterns = [
    path("", views.board, name="board"),
    path("response-times/", views.response_times, name="response-times"),
    # A household's care page, its calls, team and errands raised by staff (views_households.py).
    path("households/<int:pk>/", views_households.household_care, name="household"),
    path("households/<int:pk>/calls/", views_households.call_record, name="call-record"),
    path("households/<int:pk>/team/", views_households.team_member, name="team-member"),
    path("households/<int:pk>/errands/", views_households.errand_create, name="errand-create"),
    # Errands (views_errands.py).
    path("errands/", views_errands.errand_list, name="errand-list"),
    path("errands/<int:pk>/", views_errands.errand_detail, name="errand-detail"),
    path("errands/<int:pk>/assign/", views_errands.errand_assign, name="errand-assign"),
    path("errands/<int:pk>/start/", views_errands.errand_start, name="errand-start"),
    path("errands/<int:pk>/deliver/", views_errands.errand_deliver, name="errand-deliver"),
    path("errands/<int:pk>/cancel/", views_errands.errand_cancel, name="errand-cancel"),
    # Disinfection and kits (views_places.py).
    path("disinfection/", views_places.disinfection, name="disinfection"),
    path("disinfection/record/", views_places.disinfection_record, name="disinfection-record"),
    path("kits/", views_places.kits, name="kits"),
    path("kits/deliver/", views_places.kit_deliver, name="kit-deliver"),
    path("kits/line/", views_places.kit_line, name="kit-line"),
]

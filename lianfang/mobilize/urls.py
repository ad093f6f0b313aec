from django.urls import path

from lianfang.mobilize import views

app_name = "mobilize"
urlpatterns = [
    path("report-in/", views.report_in, name="report-in"),
    path("volunteers/", views.volunteers, name="volunteers"),
    path("volunteers/<int:pk>/decide/", views.volunteer_decide, name="volunteer-decide"),
    path("calls/", views.calls, name="calls"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/act/", views.call_act, name="call-act"),
    path("gaps/", views.gaps, name="gaps"),
    path("gates/<int:pk>/roster/", views.roster, name="roster"),
    path("gates/<int:pk>/on-duty/", views.on_duty_panel, name="on-duty"),
    path("gates/<int:pk>/roster.xlsx", views.roster_export, name="roster-export"),
    path("volunteers/<int:pk>/service-card.pdf", views.service_card, name="service-card"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/act/", views.shift_act, name="shift-act"),
    path("assignments/<int:pk>/act/", views.assignment_act, name="assignment-act"),
    path("mine/", views.mine, name="mine"),
    path("hours/", views.hours_enter, name="hours-enter"),
    path("hours/<int:pk>/decide/", views.hours_decide, name="hours-decide"),
]

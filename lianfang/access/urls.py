from django.urls import path

from lianfang.access import views, views_passes, views_staff

app_name = "access"
urlpatterns = [
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("checkpoint/scans", views.checkpoint_scans, name="checkpoint-scans"),
    path("checkpoint/visitors/", views.visitors, name="visitors"),
    path("checkpoint/deliveries/", views.deliveries, name="deliveries"),
    path("compounds/<int:pk>/passes/", views_staff.compound_passes, name="compound-passes"),
    path("compounds/<int:pk>/passes/issue/", views_staff.compound_issue, name="compound-issue"),
    path("passes/<int:pk>/action/", views_staff.pass_action, name="pass-action"),
    path("gates/<int:pk>/toggle/", views_staff.gate_toggle, name="gate-toggle"),
    path("passages/", views_staff.passage_log, name="passage-log"),
    path("passages/export.xlsx", views_staff.passage_export, name="passage-export"),
    path("areas/<str:code>/policy/", views_staff.policy_edit, name="policy"),
    # Pass sheets and the household's secret-link page (views_passes.py).
    path("compounds/<int:pk>/passes.pdf", views_passes.compound_passes_pdf, name="compound-passes-pdf"),
    path("households/<int:pk>/link/", views_passes.household_link_renew, name="household-link-renew"),
    path("h/<str:key>/", views_passes.household_link, name="household-link"),
]

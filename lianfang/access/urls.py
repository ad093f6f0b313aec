from django.urls import path

from lianfang.access import views, views_pdf, views_staff

app_name = "access"
urlpatterns = [
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("checkpoint/scans", views.checkpoint_scans, name="checkpoint-scans"),
    path("checkpoint/fever-member", views.checkpoint_fever_member, name="checkpoint-fever-member"),
    path("checkpoint/visitors/", views.visitors, name="visitors"),
    path("checkpoint/deliveries/", views.deliveries, name="deliveries"),
    path("compounds/<int:pk>/passes/", views_staff.compound_passes, name="compound-passes"),
    path("compounds/<int:pk>/passes/issue/", views_staff.compound_issue, name="compound-issue"),
    path("passes/<int:pk>/action/", views_staff.pass_action, name="pass-action"),
    path("gates/<int:pk>/toggle/", views_staff.gate_toggle, name="gate-toggle"),
    path("passages/", views_staff.passage_log, name="passage-log"),
    path("passages/export.xlsx", views_staff.passage_export, name="passage-export"),
    path("passages/exports/", views_staff.passage_exports, name="passage-exports"),
    path("passages/exports/<int:pk>.xlsx", views_staff.passage_export_file, name="passage-export-file"),
    path("areas/<str:code>/policy/", views_staff.policy_edit, name="policy"),
    path("compounds/<int:pk>/passes.pdf", views_pdf.compound_passes_pdf, name="compound-passes-pdf"),
    # The household's secret-link pages (household-link, household-link-renew) are portal's, joined into
    # this namespace by lianfang/urls.py.
]

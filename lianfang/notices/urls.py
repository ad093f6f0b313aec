from django.urls import path

from lianfang.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("new/", views.notice_create, name="create"),
    path("new/count/", views.audience_count, name="count"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/approve/", views.notice_approve, name="approve"),
    path("<int:pk>/publish/", views.notice_publish, name="publish"),
    path("<int:pk>/withdraw/", views.notice_withdraw, name="withdraw"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/attachment/", views.attachment, name="attachment"),
    path("<int:pk>/grids/<int:grid_id>/", views.grid_board, name="board"),
    path("<int:pk>/grids/<int:grid_id>/letters.pdf", views.letters_pdf, name="letters"),
    path("recipients/<int:rid>/slip/", views.record_slip, name="slip"),
    path("recipients/<int:rid>/acknowledge/", views.acknowledge_own, name="acknowledge"),
]

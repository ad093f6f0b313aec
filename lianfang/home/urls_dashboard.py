"""The command dashboard under /dashboard/ (namespace `dashboard`)."""

from django.urls import path

from lianfang.home import views_dashboard as views

app_name = "dashboard"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("grids/<int:pk>/", views.grid, name="grid"),
    path("<str:code>/", views.area, name="area"),
    path("<str:code>/refresh/", views.refresh, name="refresh"),
]

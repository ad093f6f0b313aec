from django.urls import path

from lianfang.access import views

app_name = "access"
urlpatterns: list = []

from django.urls import path

from lianfang.people import views

app_name = "people"
urlpatterns: list = []

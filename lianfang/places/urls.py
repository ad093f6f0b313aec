from django.urls import path

from lianfang.places import views

app_name = "places"
urlpatterns: list = []

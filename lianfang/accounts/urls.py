from django.urls import path

from lianfang.accounts import views

app_name = "accounts"
urlpatterns: list = []

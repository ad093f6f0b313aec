from django.urls import path

from lianfang.access import views

app_name = "access"
urlpatterns = [
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("checkpoint/scans", views.checkpoint_scans, name="checkpoint-scans"),
    path("checkpoint/visitors/", views.visitors, name="visitors"),
    path("checkpoint/deliveries/", views.deliveries, name="deliveries"),
]

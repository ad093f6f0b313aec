from django.urls import path

from lianfang.supplies import views, views_expiring, views_households, views_requests, views_setup

app_name = "supplies"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("stores/<int:pk>/", views.store, name="store"),
    path("stores/<int:pk>/post/", views.store_post, name="store-post"),
    path("expiring/", views_expiring.expiring, name="expiring"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/<int:pk>/reverse/", views.movement_reverse, name="movement-reverse"),
    path("ledger/export/", views.ledger_export, name="ledger-export"),
    path("stock/export/", views.balances_export, name="balances-export"),
    path("donations/", views.donations, name="donations"),
    path("donations/new/", views.donation_new, name="donation-new"),
    path("donations/<int:pk>/receive/", views.donation_receive, name="donation-receive"),
    path("donations/<int:pk>/acknowledge/", views.donation_acknowledge, name="donation-acknowledge"),
    path("donations/<int:pk>/receipt/", views.donation_receipt, name="donation-receipt"),
    path("households/<int:pk>/", views_households.household, name="household"),
    path("households/<int:pk>/issue/", views_households.household_issue, name="household-issue"),
    path("public/donations/", views.public_donations, name="public-donations"),
    path("requests/", views_requests.requests, name="requests"),
    path("requests/new/", views_requests.request_new, name="request-new"),
    path("requests/<int:pk>/commit/", views_requests.request_commit, name="request-commit"),
    path("requests/<int:pk>/send/", views_requests.request_send, name="request-send"),
    path("requests/<int:pk>/receive/", views_requests.request_receive, name="request-receive"),
    path("stores/<int:pk>/allocate/", views_requests.store_allocate, name="store-allocate"),
    path("stores/<int:pk>/stocktake/", views_requests.stocktake, name="stocktake"),
    path("stores/<int:pk>/stocktake/new/", views_requests.stocktake_new, name="stocktake-new"),
    path("stocktakes/<int:pk>/decide/", views_requests.stocktake_decide, name="stocktake-decide"),
    path("items/", views_setup.items, name="items"),
    path("items/new/", views_setup.item_new, name="item-new"),
    path("items/change/", views_setup.item_change, name="item-change"),
    path("stores/open/", views_setup.store_open, name="store-open"),
    path("stores/<int:pk>/close/", views_setup.store_close, name="store-close"),
    path("stores/<int:pk>/minimum/", views_setup.store_threshold, name="store-threshold"),
]

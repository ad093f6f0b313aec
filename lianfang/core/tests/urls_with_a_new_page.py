"""The real URLconf plus a page written without any decorator, as a newcomer might add one."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lianfang.urls import urlpatterns as real_patterns


def forgotten_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("the numbers of every household")


urlpatterns = [path("new-page/", forgotten_page, name="new-page"), *real_patterns]

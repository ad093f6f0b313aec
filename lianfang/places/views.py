"""Browsing places in scope. (UI helper fills these in.)"""

from django.http import HttpResponse


def area_list(request):
    return HttpResponse("areas")


def area_detail(request, code):
    return HttpResponse("area")


def compound_detail(request, pk):
    return HttpResponse("compound")


def household_detail(request, pk):
    return HttpResponse("household")

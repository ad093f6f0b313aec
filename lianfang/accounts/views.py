"""Login (with lockout), logout, password change. (UI helper fills these in.)"""

from django.http import HttpResponse


def login_view(request):
    return HttpResponse("login")


def logout_view(request):
    return HttpResponse("logout")


def password_change(request):
    return HttpResponse("password")

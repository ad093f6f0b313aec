from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lianfang.core.roles import Role
from lianfang.home.homes import home_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page of each role: what that role works on. A resident's is their household's own page."""
    if request.user.role == Role.RESIDENT:
        return redirect("access:my-household")
    context = home_context(request.user)
    return render(request, context.pop("template"), context)

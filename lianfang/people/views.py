"""Residents: search, detail, forms. (UI helper fills these in.)"""

from django.http import HttpResponse


def _stub(*args, **kwargs):
    return HttpResponse("todo")


search = resident_detail = resident_edit = resident_move = resident_reveal_id = _stub
travel_create = resident_create = visit_create = _stub

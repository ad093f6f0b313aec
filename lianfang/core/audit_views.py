from collections import defaultdict
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import render

from lianfang.core.models import AuditAction, AuditLog
from lianfang.core.requests import AuthedRequest

# The foreign keys an object's label reads (its person, household or building), joined in the lookup.
LABEL_RELATIONS = (
    "resident",
    "household",
    "household__compound",
    "building",
    "unit",
    "compound",
    "area",
    "community",
)


def _model_named(name: str) -> type[models.Model] | None:
    """The model whose `model_name` an audit row stores (`resident`, `errand`...), from any app."""
    for model in apps.get_models():
        if model._meta.model_name == name:
            return model
    return None


def object_labels(rows: list[AuditLog]) -> dict[tuple[str, str], tuple[str, str]]:
    """(object type, id) -> (the type's name, the object's label) for the rows of a page: one query per type.
    The label is the object's `audit_label()` where it has one, else its name; a deleted object has none."""
    ids: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.object_id.isdigit():
            ids[row.object_type].add(int(row.object_id))
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for name, pks in ids.items():
        model = _model_named(name)
        if model is None:
            continue
        fields = {f.name for f in model._meta.fields if f.is_relation}
        related = [r for r in LABEL_RELATIONS if r.split("__")[0] in fields]
        found_rows: Any = model._default_manager.all()
        objects: Any = (found_rows.select_related(*related) if related else found_rows).in_bulk(pks)
        kind = str(model._meta.verbose_name)
        for pk, obj in objects.items():
            label = obj.audit_label() if hasattr(obj, "audit_label") else str(obj)
            found[(name, str(pk))] = (kind, label)
    return found


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    """Community staff (and command) read the audit trail of their area."""
    if AuditLog.scope.q_for(request.user) is None:
        raise Http404
    rows = AuditLog.objects.visible_to(request.user)
    action = request.GET.get("action", "")
    if action:
        rows = rows.filter(action=action)
    page = Paginator(rows.select_related("user"), 50).get_page(request.GET.get("page"))
    labels = object_labels(list(page.object_list))
    for row in page.object_list:
        row.kind_label, row.object_label = labels.get((row.object_type, row.object_id), ("", ""))
    return render(
        request, "core/audit_list.html", {"page": page, "action": action, "actions": AuditAction.choices}
    )

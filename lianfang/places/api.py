from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from lianfang.places.models import Area, AreaLevel, Compound

router = Router(tags=["places"])


class AreaOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None


class CompoundOut(Schema):
    id: int
    name: str
    address: str
    community: str
    gates: int


@router.get("/areas", response=list[AreaOut], summary="Areas in your scope, optionally of one level")
def list_areas(request, level: AreaLevel | None = None, parent: str | None = None):
    qs = Area.objects.visible_to(request.user).select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__code=parent)
    return [
        AreaOut(code=a.code, name=a.name, level=a.level, parent=a.parent.code if a.parent else None)
        for a in qs.order_by("path")
    ]


@router.get("/compounds", response=list[CompoundOut], summary="Compounds of a community (by its code)")
def list_compounds(request, community: str | None = None):
    from django.db.models import Count

    qs = (
        Compound.objects.visible_to(request.user).select_related("community").annotate(n_gates=Count("gates"))
    )
    if community:
        area = get_object_or_404(Area.objects.visible_to(request.user), code=community)
        qs = qs.filter(path__startswith=area.path)
    return [
        CompoundOut(id=c.id, name=c.name, address=c.address, community=c.community.code, gates=c.n_gates)
        for c in qs.order_by("path", "name")
    ]

"""The places a dashboard shows (home.dashboard): a *node* is an area (city, district, street, community) or
a grid of a community, whose figures are kept under `<community path>g<grid id>.` (watch.models).

Who may read a node is the scope rule of the figures themselves (`watch.DailyStat`): the staff of an area
read its subtree, a grid worker their own grid (`node_readable`). A node out of scope is not found (404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.places.models import Area, AreaLevel, Grid
from lianfang.watch.figures import node_path_for_grid
from lianfang.watch.models import DailyStat, NodeLevel


@dataclass(frozen=True)
class Node:
    """A place whose figures the dashboard shows: an area, or a grid of a community."""

    path: str
    level: str  # a NodeLevel
    name: str
    code: str = ""  # the area's code and id (areas only)
    area_id: int | None = None
    grid_id: int | None = None

    @cached_property
    def url(self) -> str:
        if self.grid_id is not None:
            return reverse("dashboard:grid", args=[self.grid_id])
        return reverse("dashboard:area", args=[self.code])

    @property
    def level_label(self) -> str:
        return str(NodeLevel(self.level).label)


def url_maker(name: str) -> Callable[[Any], str]:
    """argument -> the URL of route `name` (one argument), reversed once: the page lists dozens of links."""
    marker = "987654321"
    head, tail = reverse(name, args=[marker]).split(marker)
    return lambda arg: f"{head}{arg}{tail}"


def area_node(area: Area) -> Node:
    return Node(path=area.path, level=area.level, name=area.name, code=area.code, area_id=area.pk)


def grid_node(grid: Grid, community_name: str = "") -> Node:
    name = f"{community_name} {grid.name}".strip()
    return Node(path=node_path_for_grid(grid.path, grid.pk), level=NodeLevel.GRID, name=name, grid_id=grid.pk)


def node_readable(user: Any, node: Node) -> bool:
    """Whether `user` reads the figures of `node`: DailyStat's own scope rule, decided on the node."""
    return DailyStat.scope.covers(user, DailyStat(path=node.path, grid_id=node.grid_id))


def find_area_node(user: Any, code: str) -> Node | None:
    area = Area.objects.visible_to(user).filter(code=code).first()
    if area is None:
        return None
    node = area_node(area)
    return node if node_readable(user, node) else None


def find_grid_node(user: Any, pk: int) -> Node | None:
    grid = Grid.objects.visible_to(user).filter(pk=pk).select_related("community").first()
    if grid is None:
        return None
    node = grid_node(grid, grid.community.name)
    return node if node_readable(user, node) else None


def own_node(user: Any) -> Node | None:
    """The user's own dashboard: the area of their scope, or a grid worker's grid."""
    if user.grid_id and user.grid is not None:
        node = grid_node(user.grid, user.grid.community.name)
    elif user.area_id and user.area is not None:
        node = area_node(user.area)
    else:
        return None
    return node if node_readable(user, node) else None


def child_nodes(user: Any, node: Node) -> list[Node]:
    """The areas right under an area; a community's grids (and `g0`, its households without a grid)."""
    if node.area_id is None:
        return []
    if node.level == AreaLevel.COMMUNITY:
        grids = (
            Grid.objects.visible_to(user).filter(path=node.path).order_by("code").values_list("pk", "name")
        )
        nodes = [
            Node(path=node_path_for_grid(node.path, pk), level=NodeLevel.GRID, name=name, grid_id=pk)
            for pk, name in grids
        ]
        return [
            *nodes,
            Node(
                path=node_path_for_grid(node.path, None),
                level=NodeLevel.GRID,
                name=_("Households without a grid"),
            ),
        ]
    areas = Area.objects.visible_to(user).filter(parent_id=node.area_id).order_by("code")
    return [
        Node(path=path, level=level, name=name, code=code, area_id=pk)
        for pk, code, name, level, path in areas.values_list("pk", "code", "name", "level", "path")
    ]


def child_key(node: Node, path: str) -> str:
    """The first component of `path` under the node: which child a row below the node belongs to."""
    return node.path + path[len(node.path) :].split(".", 1)[0] + "."


def breadcrumbs(user: Any, node: Node) -> list[Node]:
    """The areas above the node that the user may open (one query)."""
    codes = node.path.rstrip(".").split(".")[:-1]  # a grid's last part is `g<id>`: its community stays
    above = Area.objects.visible_to(user).filter(code__in=codes).order_by("path")
    nodes = [
        Node(path=p, level=lv, name=n, code=c, area_id=pk)
        for pk, c, n, p, lv in above.values_list("pk", "code", "name", "path", "level")
    ]
    return [n for n in nodes if node_readable(user, n)]

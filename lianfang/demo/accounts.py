"""Demo staff accounts, one for every role, with a known password."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.models import User
from lianfang.core.errors import DomainError
from lianfang.core.roles import Role
from lianfang.places.models import Area, AreaLevel, Gate, Grid, Household

DEFAULT_PASSWORD = "lianfang2020"
FIRST_DISTRICT = "340403"  # 田家庵区: the scoped demo accounts live in its first community


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str
    name: str


# username, role, display name, what the account shows
ACCOUNTS = [
    ("commander", Role.COMMAND, "刘建华"),
    ("district", Role.COMMAND, "陈志强"),
    ("staff", Role.COMMUNITY, "王秀兰"),
    ("grid", Role.GRID, "张伟"),
    ("health", Role.HEALTH, "李静"),
    ("guard", Role.GATE, "赵刚"),
    ("volunteer", Role.VOLUNTEER, "孙晓燕"),
    ("resident", Role.RESIDENT, "周明"),
    ("staff2", Role.COMMUNITY, "吴丽"),
]
USERNAMES = [a[0] for a in ACCOUNTS]


def create_demo_accounts(password: str) -> list[User]:
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("path").first()
    district = Area.objects.filter(level=AreaLevel.DISTRICT, code=FIRST_DISTRICT).first() or (
        Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path").first()
    )
    if city is None or district is None:
        raise DomainError("demo_no_city", _("The demo city has no city or district area."))
    communities = list(
        Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=district.path).order_by("path")[:2]
    )
    if len(communities) < 2:
        communities = list(Area.objects.filter(level=AreaLevel.COMMUNITY).order_by("path")[:2])
    community, other = communities[0], communities[-1]
    grid = Grid.objects.filter(community=community).order_by("code").first()
    gate = (
        Gate.objects.filter(compound__community=community, is_open=True).order_by("compound_id", "id").first()
    )
    household = Household.objects.filter(grid=grid).order_by("id").first()
    scopes = {
        "commander": {"area": city},
        "district": {"area": district},
        "staff": {"area": community},
        "grid": {"grid": grid},
        "health": {"area": community},
        "guard": {"gate": gate},
        "volunteer": {"area": community},
        "resident": {"household": household},
        "staff2": {"area": other},
    }
    hashed = make_password(password)  # one hash for all: PBKDF2 is slow on purpose
    users = []
    for username, role, name in ACCOUNTS:
        user = User(
            username=username, role=role, name=name, is_active=True, password=hashed, **scopes[username]
        )
        user.save()
        users.append(user)
    return users


def demo_logins(password: str = DEFAULT_PASSWORD) -> list[DemoLogin]:
    """The demo accounts that exist, in the order of ACCOUNTS, for printing a login table."""
    by_name = {
        u.username: u
        for u in User.objects.filter(username__in=USERNAMES).select_related(
            "area", "grid__community", "gate__compound", "household__compound"
        )
    }
    rows = []
    for username, _role, _name in ACCOUNTS:
        user = by_name.get(username)
        if user is None:
            continue
        rows.append(
            DemoLogin(
                username=username,
                password=password,
                role=str(user.get_role_display()),
                scope=str(user.scope_label),
                name=user.name,
            )
        )
    return rows


def format_logins(rows: list[DemoLogin]) -> str:
    if not rows:
        return str(_("No demo accounts: run manage.py seed_demo first."))
    header = (str(_("Username")), str(_("Password")), str(_("Role")), str(_("Name")), str(_("Scope")))
    table = [header] + [(r.username, r.password, r.role, r.name, r.scope) for r in rows]

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(row[i]) for row in table) for i in range(len(header))]
    lines = []
    for n, row in enumerate(table):
        lines.append("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)

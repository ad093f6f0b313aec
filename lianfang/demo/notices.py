"""The notices of the demo city, from the article: the letter to all citizens (倡议书——致广大市民的一封信,
24 January), the letter to the party members and cadres (4 February) and the notice of closed management
(关于全市实施封闭式管理的通告, 8 February). Short texts faithful to the article, not its quotations.

- The letter to citizens goes to every household of the city (of the demo district when the city is larger
  than CITY_LETTER_MAX households, so that `--scale city` stays cheap: the city-wide publish is measured by
  bench/bench_notices.py instead);
- the letter to party members reaches the staff, grid workers and volunteers (party members) of the city;
- the closed-management notice reaches the households of the demo staff's community: every third one has
  acknowledged on its page, the others were reminded by the grid worker an hour ago (in-app and SMS).

The demo resident's household has not acknowledged, so that the demo shows the button and the board.
"""

from __future__ import annotations

import datetime

from django.db import connection

from lianfang.accounts.models import User
from lianfang.core.roles import Role
from lianfang.notices.models import (
    AckVia,
    Audience,
    ChannelPolicy,
    NoticeKind,
    OutboxMessage,
    PrintedSlip,
    Recipient,
    Reminder,
)
from lianfang.notices.models import Notice as NoticeModel
from lianfang.notices.services import approve_notice, create_draft, publish_notice, remind_rest
from lianfang.places.models import Area, AreaLevel, Household

CITY_LETTER_MAX = 300_000
OFFICE = "command_office"

CITIZENS_TITLE = "倡议书——致广大市民的一封信"
CITIZENS_BODY = """广大市民朋友们：

当前正值新型冠状病毒感染的肺炎疫情防控关键时期。春节期间，请大家**尽可能居家，不外出走亲访友**，少聚餐、少聚会、少聚集，减少与他人接触。

外出请佩戴口罩，勤洗手、常通风；如有发热、咳嗽等症状，请及时告知社区并就近到发热门诊就诊。

让我们携手同心，联防联控、群防群治，共同打赢疫情防控的人民战争。"""

PARTY_TITLE = "致全市乡镇（街道）、村（社区）党员干部的一封信"
PARTY_BODY = """全市乡镇（街道）、村（社区）广大党员干部：

疫情就是命令，防控就是责任。请大家坚持**冲锋在前**，深入群众、了解群众、发动群众，把防控政策和防护知识送到每家每户。

在职党员请到居住地社区报到，参与值班守岗、楼栋观察、义务巡逻、日常消毒和宣传工作，以高度的责任担当构筑起疫情防控的坚固防线。"""

CLOSED_TITLE = "关于全市实施封闭式管理的通告"
CLOSED_BODY = """为切实做好疫情防控工作，全市所有住宅小区（村庄）和单位**实施封闭式管理**：

一、小区只保留一个出入口，24小时值守，出入人员一律登记、测量体温、查验出入证。

二、每户每两天可指派一名家庭成员外出采购生活物资。

三、外来人员、车辆一律不得进入；快递、外卖在门口指定地点放置。

请各户阅读后在本页点击“我已阅读”确认，或在网格员送达的回执上签字。"""


def reset_notices() -> None:
    """Every notice row points at households and accounts of the city being removed: one TRUNCATE."""
    tables = [m._meta.db_table for m in (PrintedSlip, OutboxMessage, Reminder, Recipient, NoticeModel)]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    ChannelPolicy.objects.all().delete()


def _publish(author: User, approver: User, at: datetime.datetime, **kw: object) -> NoticeModel:
    notice = create_draft(user=author, **kw)  # type: ignore[arg-type]
    notice = approve_notice(user=approver, notice=notice)
    return publish_notice(user=approver, notice=notice, now=at)


def seed_notices(*, today: datetime.date, now: datetime.datetime) -> dict[str, int]:
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["commander", "district", "staff", "grid"]).select_related(
            "area", "grid"
        )
    }
    city = Area.objects.filter(level=AreaLevel.CITY).order_by("path").first()
    if city is None or len(users) < 4 or users["staff"].area is None:
        return {}
    commander, district, staff, grid = users["commander"], users["district"], users["staff"], users["grid"]
    day = datetime.timedelta(days=1)
    letter_area = city
    if district.area is not None and Household.objects.count() > CITY_LETTER_MAX:
        letter_area = district.area
    # The city's letters are drafted by the command centre's office (an account without a password) and
    # approved and published by the commander (four eyes); the community's notice by its staff and the
    # district's commander.
    office, _new = User.objects.get_or_create(
        username=OFFICE, defaults={"role": Role.COMMAND, "area": city, "name": "市指挥部办公室"}
    )
    if _new:
        office.set_unusable_password()
        office.save()
    _publish(
        office,
        commander,
        now - 3 * day,
        kind=NoticeKind.LETTER,
        title=CITIZENS_TITLE,
        body=CITIZENS_BODY,
        area=letter_area,
    )
    _publish(
        office,
        commander,
        now - 2 * day,
        kind=NoticeKind.LETTER,
        title=PARTY_TITLE,
        body=PARTY_BODY,
        area=city,
        audiences=[Audience.STAFF, Audience.GRID, Audience.VOLUNTEERS],
    )
    closed = _publish(
        staff,
        district,
        now - day,
        kind=NoticeKind.NOTICE,
        title=CLOSED_TITLE,
        body=CLOSED_BODY,
        area=staff.area,
    )
    # Every third household of the community has acknowledged on its page (not the demo resident's).
    resident = User.objects.filter(username="resident").values_list("household_id", flat=True).first()
    rows = Recipient.objects.filter(notice=closed).exclude(household_id=resident).order_by("id")
    acked = [r.pk for i, r in enumerate(rows) if i % 3 == 0]
    Recipient.objects.filter(pk__in=acked).update(
        read_at=now - day / 2, acknowledged_at=now - day / 2, ack_via=AckVia.APP
    )
    reminded = 0
    if grid.grid_id:
        reminded = remind_rest(
            user=grid, notice=closed, grid=grid.grid, now=now - datetime.timedelta(hours=1)
        ).reached
    return {
        "notice": 3,
        "notice_recipient": Recipient.objects.count(),
        "notice_acknowledged": len(acked),
        "notice_reminded": reminded,
    }

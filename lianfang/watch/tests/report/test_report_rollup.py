"""The roll-up of a day's reports under an area: the sum of the submitted and accepted reports' figures
(submitted ones counted and marked), how many communities reported; drafts, returned and missing reports
are not counted. Checked against a plain sum on a random tree."""

import random

from lianfang.core.roles import Role
from lianfang.places.models import Area, AreaLevel
from lianfang.watch.metrics import Metric
from lianfang.watch.models import DailyStat, NodeLevel, ReportStatus, StatDay
from lianfang.watch.reports import (
    REPORT_METRICS,
    accept_report,
    draft_report,
    rollup,
    rollup_sum,
    save_report,
    submit_report,
)
from lianfang.watch.tests.report.conftest import DAY, FIGURES_A, FIGURES_B, make_user


def test_a_streets_rollup_adds_up_its_submitted_and_accepted_reports(world, stats, street_chief):
    stats(FIGURES_A, FIGURES_B)
    report_a = draft_report(community=world.community_a, day=DAY)
    save_report(user=world.staff_a, report=report_a, people_on_duty=5)
    submit_report(user=world.staff_a, report=report_a)
    accept_report(user=street_chief, report=report_a)
    report_b = draft_report(community=world.community_b, day=DAY)
    save_report(user=world.staff_b, report=report_b, people_on_duty=3)
    submit_report(user=world.staff_b, report=report_b)

    result = rollup(user=street_chief, area=world.street, day=DAY)
    assert (result.total.communities, result.total.accepted, result.total.submitted) == (2, 1, 1)
    assert result.total.values[Metric.FEVERS] == 7
    assert result.total.values[Metric.RESIDENTS] == 3
    assert result.total.values[Metric.CASES_NEW] == 1
    assert result.total.values["people_on_duty"] == 8
    assert [line.state for line in result.lines] == [ReportStatus.ACCEPTED, ReportStatus.SUBMITTED]
    assert result.children == []  # a street's lines are its communities


def test_drafts_are_listed_but_not_counted(world, stats, street_chief):
    stats(FIGURES_A, FIGURES_B)
    report_a = draft_report(community=world.community_a, day=DAY)
    submit_report(user=world.staff_a, report=report_a)
    draft_report(community=world.community_b, day=DAY)
    result = rollup(user=street_chief, area=world.street, day=DAY)
    assert result.total.reported == 1
    assert result.total.values[Metric.FEVERS] == 3
    assert result.total.values[Metric.CASES_NEW] == 0


def test_the_citys_rollup_equals_the_sum_of_its_communities_on_a_random_tree(world):
    rng = random.Random(20260210)
    StatDay.objects.create(day=DAY)
    districts = [world.district]
    for d in range(2):
        code = f"34040{5 + d}"
        districts.append(
            Area.objects.create(
                code=code, name=f"区{d}", level=AreaLevel.DISTRICT, parent=world.city, path=f"340400.{code}."
            )
        )
    communities = []
    for district in districts:
        for s in range(rng.randint(1, 3)):
            code = f"{district.code}{s + 5:03d}000"
            street = Area.objects.create(
                code=code,
                name=f"街{code}",
                level=AreaLevel.STREET,
                parent=district,
                path=f"{district.path}{code}.",
            )
            for c in range(rng.randint(1, 4)):
                ccode = f"{code[:9]}{c + 1:03d}"
                communities.append(
                    Area.objects.create(
                        code=ccode,
                        name=f"社{ccode}",
                        level=AreaLevel.COMMUNITY,
                        parent=street,
                        path=f"{street.path}{ccode}.",
                    )
                )
    communities += [world.community_a, world.community_b]
    chief = world.commander  # the city's command centre reviews every community
    for community in communities:
        for metric in REPORT_METRICS:
            value = rng.randint(0, 50)
            if value:
                DailyStat.objects.create(
                    path=community.path, level=NodeLevel.COMMUNITY, day=DAY, metric=metric, value=value
                )
        report = draft_report(community=community, day=DAY)
        fate = rng.choice(["draft", "submitted", "accepted", "missing"])
        if fate == "missing":
            report.delete()
            continue
        if fate in ("submitted", "accepted"):
            staff = make_user(f"s{community.code}", Role.COMMUNITY, area=community)
            submit_report(user=staff, report=report)
            if fate == "accepted":
                accept_report(user=chief, report=report)

    city = rollup(user=chief, area=world.city, day=DAY)
    assert city.total.values == rollup_sum(city.lines)
    assert city.total.communities == len(communities)
    assert sum(child.reported for child in city.children) == city.total.reported
    for child in city.children:
        for key, value in child.values.items():
            assert value == sum(
                line.values[key] or 0
                for line in city.lines
                if line.counted and line.community.path.startswith(child.area.path)
            )
    by_district = {child.area.pk: child.values for child in city.children}
    for district in districts:
        below = rollup(user=chief, area=district, day=DAY)
        assert below.total.values == by_district.get(district.pk, {})

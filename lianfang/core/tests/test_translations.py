"""The Chinese catalogue is complete and in use; English stays the source language.

zh-hans is the default language of Lianfang, so an empty or fuzzy entry would show English to a guard
at night.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation.reloader import translation_file_changed

from lianfang.access.messages import DECISION_OF, describe

LOCALE = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(path: Path) -> list[Entry]:
    """Just enough of the .po format for these checks (GNU gettext writes it; we only read it)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        e, key = Entry(), None
        for line in block.splitlines():
            if line.startswith("#,"):
                e.flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#~"):
                e.obsolete = True
            elif line.startswith("#"):
                continue
            elif m := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line):
                key, value = m.group(1), ast.literal_eval(m.group(2))
                if key.startswith("msgstr"):
                    e.msgstr[key] = value
                else:
                    setattr(e, key, value)
            elif line.startswith('"') and key:
                value = ast.literal_eval(line)
                if key.startswith("msgstr"):
                    e.msgstr[key] += value
                else:
                    setattr(e, key, getattr(e, key) + value)
        if not e.obsolete:
            entries.append(e)
    return entries


def messages_of(path: Path) -> list[Entry]:
    return [e for e in read_po(path) if e.msgid]  # the header is the entry with an empty msgid


@pytest.fixture(scope="session", autouse=True)
def compiled_messages():
    """`make pytest` compiles first; a bare `pytest` run compiles here when a .mo is missing or stale."""
    stale = [
        po
        for po in (ZH_PO, EN_PO)
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        call_command(
            "compilemessages", ignore_patterns=[".venv", "var", "node_modules", "bench"], verbosity=0
        )
        translation_file_changed(None, ZH_PO.with_suffix(".mo"))


@pytest.fixture
def chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


# (a) the catalogue


def test_every_chinese_entry_is_translated():
    untranslated = [e.msgid for e in messages_of(ZH_PO) if not all(s.strip() for s in e.msgstr.values())]
    assert untranslated == []


def test_no_chinese_entry_is_fuzzy():
    assert [e.msgid for e in read_po(ZH_PO) if "fuzzy" in e.flags] == []


def test_chinese_plurals_have_the_single_chinese_form():
    header = read_po(ZH_PO)[0].msgstr["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    assert "Language: zh_Hans" in header
    for e in messages_of(ZH_PO):
        if e.msgid_plural is not None:
            assert list(e.msgstr) == ["msgstr[0]"], e.msgid


def test_chinese_translations_keep_every_placeholder():
    for e in messages_of(ZH_PO):
        wanted = sorted(PLACEHOLDER.findall(e.msgid))
        for text in e.msgstr.values():
            assert sorted(PLACEHOLDER.findall(text)) == wanted, e.msgid


def test_chinese_translations_are_chinese():
    # Every UI string has at least one Chinese character, except a few that are the same in both languages
    # and the list separator (", " is "、").
    same_in_both = {"API token", "API tokens", ", "}
    not_chinese = [
        e.msgid
        for e in messages_of(ZH_PO)
        if e.msgid not in same_in_both and not any(CJK.search(s) for s in e.msgstr.values())
    ]
    assert not_chinese == []


def test_english_catalogue_has_a_proper_header_and_falls_back_to_the_source():
    entries = read_po(EN_PO)
    header = entries[0].msgstr["msgstr"]
    assert "Language: en" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    assert "fuzzy" not in entries[0].flags
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []
    assert {e.msgid for e in messages_of(EN_PO)} == {e.msgid for e in messages_of(ZH_PO)}


# (b) pages in zh-hans


def test_login_page_is_in_chinese_by_default(db, client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
    assert "用户名" in page
    assert "密码" in page
    assert "Log in" not in page


def test_login_page_is_in_english_when_chosen(db, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("accounts:login")).content.decode()
    assert "Log in" in page
    assert "登录" not in page


def test_community_staff_home_and_household_pages_are_in_chinese(world, chinese):
    chinese.force_login(world.staff_a)
    home = chinese.get(reverse("home")).content.decode()
    assert "首页" in home
    assert "社区工作人员" in home  # the role
    assert "重点关爱人员" in home
    household = chinese.get(reverse("places:household-detail", args=[world.household_a1.pk])).content.decode()
    assert "家庭成员" in household
    assert "户主" in household
    assert "出入证" in household


def test_gate_checkpoint_is_in_chinese_with_its_screen_words(world, chinese):
    chinese.force_login(world.guard_a)
    page = chinese.get(reverse("access:checkpoint")).content.decode()
    assert "门岗查验" in page
    assert "体温" in page
    # the words the checkpoint script shows come from the server (json_script), translated
    assert '"allowed": "\\u653e\\u884c"' in page  # 放行
    assert '"refused": "\\u7981\\u6b62\\u901a\\u884c"' in page  # 禁止通行


def test_a_refused_scan_answers_the_guard_in_chinese(world, chinese):
    chinese.force_login(world.guard_a)
    response = chinese.post(
        reverse("access:checkpoint-scans"),
        data={
            "client_id": "8d6f0b8e-8b8f-4d59-9c3a-0d7f6f0e1a01",
            "token": "XXXX-XXXX",
            "direction": "out",
            "temperature": 36.5,
        },
        content_type="application/json",
    )
    answer = response.json()
    answer = answer[0] if isinstance(answer, list) else answer
    assert answer["decision"] == "refused"
    assert answer["code"] == "pass_unknown"
    assert answer["message"] == "查无此证。"
    assert CJK.search(answer["advice"]), answer


# (c) gettext in zh-hans


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Log in", "登录"),
        ("ALLOWED", "放行"),
        ("REFUSED", "禁止通行"),
        ("REFERRED", "发热待处置"),
        ("Household pass", "户出入证"),
        ("Vehicle pass", "车辆通行证"),
        ("Grid worker", "网格员"),
        ("Command centre", "指挥部"),
        ("Take the temperature first.", "请先测体温。"),
        ("ID number", "身份证号"),
    ],
)
def test_core_strings_have_their_glossary_translation(english, chinese):
    with translation.override("zh-hans"):
        assert gettext(english) == chinese
    with translation.override("en"):
        assert gettext(english) == english


def test_the_gate_open_button_and_an_open_alert_read_differently():
    with translation.override("zh-hans"):
        assert pgettext("gate action", "Open") == "开放"
        assert gettext("Open") == "待处理"


def test_plural_messages_are_translated():
    one = "Too many failed logins: this account is locked. Try again in {minutes} minute."
    many = "Too many failed logins: this account is locked. Try again in {minutes} minutes."
    with translation.override("zh-hans"):
        locked = ngettext(one, many, 5).format(minutes=5)
    assert locked == "登录失败次数过多，此账户已被锁定。请 5 分钟后再试。"
    with translation.override("en"):
        assert ngettext(one, many, 1).format(minutes=1).endswith("1 minute.")


@pytest.mark.parametrize("code", sorted(DECISION_OF))
def test_every_gate_answer_and_advice_is_in_chinese(code):
    with translation.override("zh-hans"):
        message, advice = describe(code, exits_left=1, temperature=37.6, fever_line=37.3)
    assert CJK.search(message), (code, message)
    assert CJK.search(advice), (code, advice)

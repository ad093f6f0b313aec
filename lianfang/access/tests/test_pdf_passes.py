"""Printed pass cards: the QR on paper decodes with a real scanner and opens the gate; no names."""

import datetime
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from PIL import Image

from lianfang.access import pdf as pdf_layout
from lianfang.access.models import Pass, PassKind, PassStatus
from lianfang.access.pdf import printable_passes, render_pass_sheets
from lianfang.access.services import issue_household_passes, issue_pass, revoke_pass, suspend_pass
from lianfang.conftest import id_for
from lianfang.core.fonts import FontMissing
from lianfang.core.models import AuditAction, AuditLog
from lianfang.places.services import ensure_household


def zbar(png: Path) -> list[str]:
    out = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=False)
    return [line for line in out.stdout.splitlines() if line]


def render_page(pdf: bytes, tmp_path: Path, page: int) -> Path:
    """One page of the PDF as a 150 dpi PNG, rendered by poppler."""
    src = tmp_path / "cards.pdf"
    src.write_bytes(pdf)
    stem = tmp_path / f"page-{page}"
    cmd = [
        "pdftoppm",
        "-r",
        "150",
        "-png",
        "-f",
        str(page),
        "-l",
        str(page),
        "-singlefile",
        str(src),
        str(stem),
    ]
    subprocess.run(cmd, check=True)
    return stem.with_suffix(".png")


def decode_page(pdf: bytes, tmp_path: Path, page: int = 1) -> list[str]:
    """Cut a rendered page into its cards and read each card's QR with zbar, as a phone sees one card
    (zbar on a whole page of eight codes now and then overlooks one)."""
    image = Image.open(render_page(pdf, tmp_path, page))
    scale = image.width / pdf_layout.PAGE_W
    w, h = pdf_layout.CARD_W * scale, pdf_layout.CARD_H * scale
    decoded = []
    for row in range(pdf_layout.ROWS):
        for col in range(pdf_layout.COLS):
            left = (pdf_layout.MARGIN_X + col * pdf_layout.CARD_W) * scale
            top = (pdf_layout.MARGIN_Y + row * pdf_layout.CARD_H) * scale
            cell = tmp_path / f"card-{row}-{col}.png"
            image.crop((round(left), round(top), round(left + w), round(top + h))).save(cell)
            decoded += zbar(cell)
    return sorted(decoded)


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    src = tmp_path / "text.pdf"
    src.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True, check=True
    ).stdout


def page_count(pdf: bytes, tmp_path: Path) -> int:
    src = tmp_path / "info.pdf"
    src.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(src)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_every_qr_on_a_printed_sheet_decodes_to_its_pass_token(passes, tmp_path):
    cards = list(passes.values())
    pdf = render_pass_sheets(cards, title="test")
    assert sorted(zbar(render_page(pdf, tmp_path, 1))) == sorted(p.qr_text for p in cards)
    assert decode_page(pdf, tmp_path) == sorted(p.qr_text for p in cards)


def test_a_decoded_qr_from_paper_opens_the_gate(world, passes, scan, tmp_path):
    pdf = render_pass_sheets(printable_passes(Pass.objects.all(), compound=world.compound_a))
    decoded = decode_page(pdf, tmp_path)
    assert passes["household_a1"].qr_text in decoded
    token = next(t for t in decoded if t == passes["household_a1"].qr_text)
    result = scan(token)
    assert result.decision == "allowed"


def test_a_full_compound_of_household_passes_prints_on_several_pages_and_all_decode(world, tmp_path):
    for room in range(101, 111):
        ensure_household(compound=world.compound_a, building="7", unit="2", room=str(room))
    result = issue_household_passes(user=world.staff_a, compound=world.compound_a)
    assert result.created == 12
    cards = printable_passes(Pass.objects.all(), compound=world.compound_a)
    pdf = render_pass_sheets(cards)
    assert page_count(pdf, tmp_path) == 2
    assert decode_page(pdf, tmp_path, 1) == sorted(p.qr_text for p in cards[:8])
    assert decode_page(pdf, tmp_path, 2) == sorted(p.qr_text for p in cards[8:])


def test_cards_are_in_building_unit_room_order(world, passes):
    for building, room in (("10", "101"), ("3", "1101"), ("3", "201")):
        h = ensure_household(compound=world.compound_a, building=building, unit="1", room=room)
        issue_pass(user=world.staff_a, kind=PassKind.HOUSEHOLD, household=h)
    labels = [p.household.label for p in printable_passes(Pass.objects.all(), compound=world.compound_a)]
    assert labels == ["3栋1单元101", "3栋1单元201", "3栋1单元1101", "5栋1单元201", "10栋1单元101"]


def test_the_card_shows_place_number_and_validity_but_no_name_or_id_number(world, passes, tmp_path):
    text = pdf_text(render_pass_sheets([passes["household_a1"]]), tmp_path)
    assert "阳光小区" in text
    assert "3栋1单元101" in text
    assert passes["household_a1"].display_number in text
    assert "2020-01-01" in text and "2030-12-31" in text
    assert "出入证" in text
    assert world.zhang_san.name not in text
    assert id_for(datetime.date(1980, 5, 17), 12, "M") not in text
    assert "19800517" not in text


def test_vehicle_and_work_cards_show_plate_and_holder(world, tmp_path):
    car = issue_pass(
        user=world.staff_a, kind=PassKind.VEHICLE, household=world.household_a1, plate="皖D 12345"
    )
    work = issue_pass(
        user=world.staff_a, kind=PassKind.WORK, compound=world.compound_a, holder="顺丰快递 配送"
    )
    pdf = render_pass_sheets([car, work])
    text = pdf_text(pdf, tmp_path)
    assert "皖D12345" in text
    assert "顺丰快递" in text
    assert decode_page(pdf, tmp_path) == sorted([car.qr_text, work.qr_text])


def test_the_chinese_font_is_embedded(passes):
    pdf = render_pass_sheets(list(passes.values()))
    assert b"WenQuanYi" in pdf
    assert b"/FontFile2" in pdf


def test_revoked_passes_are_not_printed_and_suspended_ones_are(world, passes, tmp_path):
    revoke_pass(user=world.staff_a, p=passes["household_a1"], reason="moved out")
    suspend_pass(user=world.staff_a, p=passes["household_a2"], reason="quarantine")
    cards = printable_passes(Pass.objects.all(), compound=world.compound_a)
    assert [p.pk for p in cards] == [passes["household_a2"].pk]
    everything = list(Pass.objects.filter(compound=world.compound_a))
    assert decode_page(render_pass_sheets(everything), tmp_path) == [passes["household_a2"].qr_text]


def test_labels_follow_the_active_language(passes, tmp_path):
    from django.utils import translation

    with translation.override("en"):
        text = pdf_text(render_pass_sheets([passes["household_a1"]]), tmp_path)
    assert "Pass number" in text
    assert "Household pass" in text


def test_a_missing_font_is_a_clear_error(passes, tmp_path):
    with pytest.raises(FontMissing, match="fonts-wqy-microhei"):
        render_pass_sheets(list(passes.values()), font=tmp_path / "no-such-font.ttc")


def test_print_passes_writes_the_file_and_says_how_many_cards(world, passes, tmp_path, capsys):
    out = tmp_path / "a.pdf"
    call_command("print_passes", "--compound", str(world.compound_a.pk), "--out", str(out))
    assert "Wrote 2 pass cards" in capsys.readouterr().out
    assert decode_page(out.read_bytes(), tmp_path) == sorted(
        [passes["household_a1"].qr_text, passes["household_a2"].qr_text]
    )
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, object_type="compound").count() == 1


def test_print_passes_can_print_one_building(world, passes, tmp_path, capsys):
    out = tmp_path / "b.pdf"
    call_command("print_passes", "--compound", str(world.compound_a.pk), "--building", "5", "--out", str(out))
    assert "Wrote 1 pass cards" in capsys.readouterr().out
    assert decode_page(out.read_bytes(), tmp_path) == [passes["household_a2"].qr_text]


def test_print_passes_refuses_an_unknown_compound(world, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="No compound with id 999999"):
        call_command("print_passes", "--compound", "999999", "--out", str(out))
    assert not out.exists()


def test_print_passes_refuses_an_unknown_building(world, passes, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="No building 42"):
        call_command(
            "print_passes", "--compound", str(world.compound_a.pk), "--building", "42", "--out", str(out)
        )
    assert not out.exists()


def test_print_passes_writes_nothing_for_a_compound_without_passes(world, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="nothing written"):
        call_command("print_passes", "--compound", str(world.compound_b.pk), "--out", str(out))
    assert not out.exists()
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_print_passes_skips_a_compound_whose_passes_are_all_revoked(world, passes, tmp_path):
    Pass.objects.filter(compound=world.compound_b).update(status=PassStatus.REVOKED)
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="nothing written"):
        call_command("print_passes", "--compound", str(world.compound_b.pk), "--out", str(out))
    assert not out.exists()


def test_validity_dates_are_printed_as_issued(world, tmp_path):
    p = issue_pass(
        user=world.staff_a,
        kind=PassKind.HOUSEHOLD,
        household=world.household_a1,
        valid_from=datetime.date(2026, 3, 1),
        valid_to=datetime.date(2026, 4, 30),
    )
    text = pdf_text(render_pass_sheets([p]), tmp_path)
    assert "2026-03-01" in text and "2026-04-30" in text


# The staff download: /access/compounds/<pk>/passes.pdf


def pdf_url(compound, **query):
    from django.urls import reverse

    url = reverse("access:compound-passes-pdf", args=[compound.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_community_staff_download_their_compounds_cards_and_the_export_is_audited(
    world, passes, login, tmp_path
):
    response = login(world.staff_a).get(pdf_url(world.compound_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    # The file's name says what it holds (阳光小区-出入证-<today>.pdf), in UTF-8 (RFC 6266).
    name = quote(f"阳光小区-出入证-{timezone.localdate()}.pdf")
    assert f"filename*=utf-8''{name}" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert decode_page(response.content, tmp_path) == sorted(
        [passes["household_a1"].qr_text, passes["household_a2"].qr_text]
    )
    log = AuditLog.objects.get(action=AuditAction.EXPORT)
    assert (log.user, log.object_type, log.object_id) == (world.staff_a, "compound", str(world.compound_a.pk))
    assert log.summary == "打印出入证 2 张"  # a sentence in the request's language (Chinese by default)


def test_staff_can_download_one_building(world, passes, login, tmp_path):
    response = login(world.staff_a).get(pdf_url(world.compound_a, building="3"))
    assert response.status_code == 200
    assert decode_page(response.content, tmp_path) == [passes["household_a1"].qr_text]


def test_an_unknown_building_is_not_found(world, passes, login):
    assert login(world.staff_a).get(pdf_url(world.compound_a, building="99")).status_code == 404


def test_a_compound_without_passes_sends_staff_back_with_a_message(world, login):
    client = login(world.staff_a)
    response = client.get(pdf_url(world.compound_a), follow=False)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/places/compounds/{world.compound_a.pk}/")
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


def test_another_communitys_compound_is_not_found(world, passes, login):
    assert login(world.staff_b).get(pdf_url(world.compound_a)).status_code == 404
    assert not AuditLog.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("persona", ["grid_a1_worker", "guard_a", "health_a", "resident_a"])
def test_other_roles_cannot_download_pass_cards(world, passes, login, persona):
    assert login(getattr(world, persona)).get(pdf_url(world.compound_a)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(world, passes, client):
    response = client.get(pdf_url(world.compound_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

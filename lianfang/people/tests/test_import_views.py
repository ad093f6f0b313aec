"""The import pages: community staff upload, see every bad row, then choose how to commit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lianfang.conftest import id_for
from lianfang.core.models import AuditAction, AuditLog
from lianfang.people.models import ImportJob, ImportStatus, Resident
from lianfang.people.tests.import_files import VALID_ROWS, messy_xlsx

ZHANG_SAN_ID = id_for(datetime.date(1980, 5, 17), 12, "M")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, community, data=None, name="花名册.xlsx"):
    data = data if data is not None else messy_xlsx(ZHANG_SAN_ID)
    return client.post(
        reverse("people:import-start"),
        {"community": community.pk, "file": SimpleUploadedFile(name, data)},
    )


def test_anonymous_users_are_sent_to_login(client, db):
    for url in (reverse("people:import-start"), reverse("people:import-preview", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_the_start_page_lists_the_staff_members_communities(world, login):
    response = login(world.staff_a).get(reverse("people:import-start"))
    assert response.status_code == 200
    assert world.community_a.name in response.text and world.community_b.name not in response.text


@pytest.mark.parametrize("persona", ["grid_a1_worker", "guard_a", "health_a", "resident_a"])
def test_only_community_staff_may_import(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("people:import-start")).status_code == 403


def test_importing_into_a_community_outside_the_scope_is_not_found(world, login):
    client = login(world.staff_a)
    assert upload(client, world.community_b).status_code == 404
    assert not ImportJob.objects.exists()


def test_an_upload_is_checked_and_every_bad_row_shown_before_anything_is_written(world, login):
    client = login(world.staff_a)
    before = Resident.objects.count()
    response = upload(client, world.community_a)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("people:import-preview", args=[job.pk])
    assert job.status == ImportStatus.PREVIEWED and job.report["valid"] == VALID_ROWS
    page = client.get(response.url)
    assert page.status_code == 200
    for code in ("id_bad_checksum", "id_duplicate_in_file", "compound_unknown", "phone_bad"):
        assert code in page.text
    assert 'value="all"' in page.text and 'value="valid"' in page.text
    assert Resident.objects.count() == before


def test_another_communitys_job_is_not_found(world, login):
    upload(login(world.staff_a), world.community_a)
    job = ImportJob.objects.get()
    client = login(world.staff_b)
    assert client.get(reverse("people:import-preview", args=[job.pk])).status_code == 404
    assert client.get(reverse("people:import-progress", args=[job.pk])).status_code == 404
    assert client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "valid"}).status_code == 404


def test_commit_all_is_refused_when_the_file_has_errors(world, login):
    client = login(world.staff_a)
    upload(client, world.community_a)
    job = ImportJob.objects.get()
    before = Resident.objects.count()
    response = client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "all"}, follow=True)
    assert "nothing was written" in response.text or "没有写入" in response.text
    assert Resident.objects.count() == before
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED


def test_commit_valid_writes_the_good_rows_and_is_audited(world, login):
    client = login(world.staff_a)
    upload(client, world.community_a)
    job = ImportJob.objects.get()
    before = Resident.objects.count()
    response = client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "valid"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.report["written"] == VALID_ROWS
    assert Resident.objects.count() == before + VALID_ROWS
    assert AuditLog.objects.filter(action=AuditAction.IMPORT, user=world.staff_a).count() == 1
    # A second commit of the same job is refused.
    client.post(reverse("people:import-commit", args=[job.pk]), {"mode": "valid"})
    assert Resident.objects.count() == before + VALID_ROWS


def test_a_wrong_file_type_gets_a_clear_message(world, login):
    response = upload(login(world.staff_a), world.community_a, b"x", name="old.xls")
    assert response.status_code == 200
    assert "xlsx" in response.text
    assert not ImportJob.objects.exists()


def test_the_start_page_query_count_does_not_grow_with_jobs(world, login, django_assert_max_num_queries):
    client = login(world.staff_a)
    for _ in range(3):
        upload(client, world.community_a)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("people:import-start")).status_code == 200

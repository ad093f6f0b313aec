"""An import job is created only by community staff, only for their own community: the service checks it
itself (the import command and later pages cannot load a file into another community's registry)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianfang.core.errors import DomainError
from lianfang.people.models import ImportJob
from lianfang.people.tasks import create_job


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("花名册.csv", "姓名,身份证号\n".encode())


@pytest.mark.parametrize(
    ("persona", "community", "code"),
    [("staff_a", "community_b", "not_found"), ("grid_a1_worker", "community_a", "forbidden")],
)
def test_an_import_for_another_community_or_by_another_role_is_refused_and_stores_nothing(
    world, persona, community, code
):
    with pytest.raises(DomainError) as err:
        create_job(user=getattr(world, persona), community=getattr(world, community), upload=upload())

    assert err.value.code == code
    assert ImportJob.objects.count() == 0

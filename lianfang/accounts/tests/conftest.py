import pytest
from django.conf import settings


@pytest.fixture(autouse=True)
def english(client):
    """Pages in English (the source strings), whatever translations exist."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

"""Pages, JSON and static files are sent compressed to a browser that accepts gzip, whether or not the
static files were collected with the manifest storage: a guard's phone on a weak network downloads a third."""

import gzip

from django.urls import reverse


def fetch(client, url: str) -> tuple[bytes, bytes]:
    """(bytes sent, bytes of the content once decompressed) of a GET that accepts gzip."""
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    sent = b"".join(response.streaming_content) if response.streaming else response.content
    return sent, gzip.decompress(sent)


def test_the_checkpoint_page_is_sent_compressed(login, world):
    sent, page = fetch(login(world.guard_a), reverse("access:checkpoint"))
    assert "<html" in page.decode("utf-8")
    assert len(sent) < len(page) / 2


def test_a_static_script_is_sent_compressed_without_the_manifest_storage(client, settings):
    assert settings.WHITENOISE_USE_FINDERS  # the demo's and the tests' way of serving static files
    sent, script = fetch(client, "/static/js/checkpoint.js")
    assert b"client_id" in script
    assert len(sent) < len(script) / 2


def test_a_browser_that_does_not_accept_gzip_gets_plain_bytes(login, world):
    response = login(world.guard_a).get(reverse("access:checkpoint"))
    assert "Content-Encoding" not in response
    assert b"<html" in response.content

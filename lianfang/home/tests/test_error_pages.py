"""Our own 404, 403 and 500 pages: in Chinese by default (English when chosen), with a way home, never
Django's bare English "Not Found". Out of scope answers the same 404 page as a page that does not exist."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error


def test_a_page_that_does_not_exist_answers_our_chinese_404_with_a_way_home(world, client):
    client.force_login(world.staff_a)
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and 'data-test="error-404"' in body
    assert f'href="{reverse("home")}"' in body and "返回我的首页" in body
    assert "Not Found" not in body


def test_a_household_out_of_scope_answers_the_same_404_page(world, client):
    client.force_login(world.staff_a)
    response = client.get(reverse("places:household-detail", args=[world.household_b.pk]))
    assert response.status_code == 404
    assert 'data-test="error-404"' in response.content.decode()


def test_the_404_page_is_in_english_when_english_is_chosen(world, client):
    client.force_login(world.staff_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "Page not found" in body and "Back to my home page" in body


def test_a_role_without_the_page_gets_our_chinese_403(world, client):
    client.force_login(world.guard_a)
    response = client.get(reverse("people:import-start"))
    body = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in body and 'data-test="error-403"' in body and "返回我的首页" in body


@pytest.mark.parametrize(("language", "words"), [("zh-hans", "出错了"), ("en", "Something went wrong")])
def test_the_500_page_renders_on_its_own_in_the_active_language(language, words):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert words in body and 'data-test="error-500"' in body and 'href="/"' in body


def test_a_wrong_secret_link_answers_our_404_to_a_household_without_a_login(db, client):
    response = client.get(reverse("access:household-link", args=["no-such-key-xxxxxxxxxxxx"]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()

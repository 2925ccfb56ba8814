"""The editorial desk in Korean in a real headless Chromium (Accept-Language: ko): the event
form, the list, the review diff and the history page show Korean labels, at desktop and phone
width, with screenshots in test-artifacts/ (admin-ko-*.png)."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.test_admin import form_data
from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the Chromium fixture)
from tests.test_editorial_browser import desk  # noqa: F401  (the curated desk with roles)
from timeline.models import Event, ProposedRevision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SUMMIT = "2018-06-12-singapore-summit"


def korean_editor(browser, site, username, *, width, height):  # noqa: F811
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="ko-KR",
        extra_http_headers={"Accept-Language": "ko-KR,ko;q=0.9"},
    )
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{site}/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(f"pw-{username}-12345")
    page.locator("input[type=submit]").click()
    expect(page.locator("#site-name")).to_contain_text("편집국")
    return context, page, problems


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_korean_desk_pages(browser, desk, width, height):  # noqa: F811
    event = Event.objects.get(slug=SUMMIT)
    editor = Client()
    editor.force_login(User.objects.get(username="editor"))
    editor.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(event, title="Trump and Kim meet in Singapore", kind="meeting"),
    )
    revision = ProposedRevision.objects.get(state="pending")
    reviewer = Client()
    reviewer.force_login(User.objects.get(username="reviewer"))
    reviewer.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(event, summary=event.summary + " (정상회담)"),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems = korean_editor(browser, desk, "reviewer", width=width, height=height)

    page.goto(f"{desk}{reverse('admin:timeline_event_change', args=[event.pk])}")
    expect(page.locator("label[for=id_title]")).to_have_text("제목:")
    expect(page.locator("label[for=id_when]")).to_have_text("날짜:")
    expect(page.locator("#when-preview")).to_contain_text("저장될 날짜: 2018년 6월 12일")
    page.screenshot(path=str(ARTIFACTS / f"admin-ko-change-form-{width}.png"), full_page=True)

    page.goto(f"{desk}{reverse('admin:timeline_event_changelist')}")
    expect(page.locator("#result_list thead")).to_contain_text("게시 상태")
    expect(page.locator(".object-tools")).to_contain_text("기사에서 가져오기")
    page.screenshot(path=str(ARTIFACTS / f"admin-ko-changelist-{width}.png"), full_page=True)

    page.goto(f"{desk}{reverse('admin:timeline_proposedrevision_review', args=[revision.pk])}")
    expect(page.locator(".desk-diff")).to_contain_text("제목")
    expect(page.locator("input[name=approve]")).to_have_value("이 수정을 승인하고 게시")
    page.screenshot(path=str(ARTIFACTS / f"admin-ko-review-{width}.png"), full_page=True)

    page.goto(f"{desk}{reverse('admin:timeline_event_history', args=[event.pk])}")
    changes = page.locator("#change-history .desk-changes").first
    expect(changes).to_contain_text("요약:")
    expect(page.locator("#change-history thead")).to_contain_text("변경 내용")
    page.screenshot(path=str(ARTIFACTS / f"admin-ko-history-{width}.png"), full_page=True)
    context.close()
    assert problems == [], problems

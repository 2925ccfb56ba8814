"""The Korean timeline in a real headless Chromium: filters, load more, the event page, the
language switch; screenshots at desktop and phone size in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import ARTIFACTS, browser, page, site  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_korean_timeline_filters_load_more_and_event_page(page, site):  # noqa: F811
    page.goto(f"{site}/ko/?limit=10")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("h1")).to_have_text("한반도 외교, 있었던 그대로")
    summit = page.locator("input[name=kind][value=summit]")
    expect(page.locator("label.check", has=summit)).to_contain_text("정상회담")
    summit.check()
    expect(page).to_have_url(re.compile(r"/ko/\?.*kind=summit"))
    kinds = page.locator("li.event .badge.kind")
    expect(kinds.first).to_have_text("정상회담")
    assert set(kinds.all_inner_texts()) == {"정상회담"}
    page.goto(f"{site}/ko/?limit=10")
    expect(page.locator("li.event")).to_have_count(10)
    page.get_by_role("link", name="사건 더 보기").click()
    expect(page.locator("li.event")).to_have_count(20)
    page.goto(f"{site}/ko/?q=싱가포르&kind=summit")
    link = page.locator("li.event h3 a").first
    title = link.inner_text()
    assert re.search(r"[가-힣]", title), title
    link.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".event-page .when time")).to_contain_text("년")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/en/events/"))


def test_language_switch_keeps_the_filters(page, site):  # noqa: F811
    page.goto(f"{site}/en/?kind=summit&q=Hanoi")
    page.get_by_role("link", name="한국어").click()
    expect(page).to_have_url(re.compile(r"/ko/\?kind=summit&q=Hanoi"))
    expect(page.get_by_label("검색")).to_have_value("Hanoi")


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1366, 900), ("phone", 390, 844)])
def test_korean_screenshots_without_sideways_scroll(browser, site, name, width, height):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height}, locale="ko-KR")
    tab = context.new_page()
    tab.goto(f"{site}/")
    expect(tab).to_have_url(re.compile(r"/ko/$"))
    expect(tab.locator("li.event").first).to_be_visible()
    tab.screenshot(path=str(ARTIFACTS / f"ko-timeline-{name}.png"))
    widths = [tab.evaluate("document.documentElement.scrollWidth")]
    tab.goto(f"{site}/ko/events/2018-06-12-singapore-summit/")
    tab.screenshot(path=str(ARTIFACTS / f"ko-event-{name}.png"), full_page=True)
    widths.append(tab.evaluate("document.documentElement.scrollWidth"))
    context.close()
    assert max(widths) <= width

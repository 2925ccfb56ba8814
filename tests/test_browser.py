"""The pages in a real headless Chromium (Debian's), driven by Playwright.

Screenshots of the timeline at desktop and phone width go to test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; the live server's database work
# happens in its own thread, so Django's async-safety guard does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run bin/ensure-chromium (make test does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def site(live_server):
    from timeline.curated import load_curated

    load_curated()
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    yield page
    context.close()
    assert errors == [], errors


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


def entries(page):
    return page.locator("li.event")


def test_filter_by_kind_updates_list_and_url_then_back_restores(page, site):
    page.goto(f"{site}/")
    expect(entries(page).first).to_be_visible()
    all_first = entries(page).first.get_attribute("id")
    page.get_by_label("Summit", exact=True).check()
    expect(page).to_have_url(re.compile(r"kind=summit"))
    expect(page.locator("#result-count")).to_contain_text("events")
    badges = page.locator("li.event .badge.kind")
    expect(badges.first).to_have_text("Summit")
    assert set(badges.all_inner_texts()) == {"Summit"}
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"kind=summit"))
    expect(entries(page).first).to_have_attribute("id", all_first)
    page.go_forward()
    expect(page).to_have_url(re.compile(r"kind=summit"))
    expect(page.locator("li.event .badge.kind").first).to_have_text("Summit")


def test_on_a_large_record_the_counts_arrive_after_the_page(page, site, settings):
    settings.COUNTS_DEFER_ABOVE = 10  # the curated record counts as large here
    page.goto(f"{site}/?kind=summit")
    expect(entries(page).first).to_be_visible()
    counts = page.locator("#counts")
    expect(counts.locator(".facets")).to_be_visible()  # fetched by htmx once shown
    expect(page.locator("#counts.pending")).to_have_count(0)
    expect(page.locator("#result-count")).to_contain_text("events")
    actor = counts.locator(".facet", has_text="Actor").locator("a").first
    name = actor.inner_text()
    actor.click()
    expect(page).to_have_url(re.compile(r"kind=summit&actor="))
    expect(page.locator("li.event").first.locator(".actor", has_text=name).first).to_be_visible()
    expect(page.locator("#counts .facets")).to_be_visible()


def test_without_javascript_a_large_record_links_to_its_counts(page_without_js, site, settings):
    settings.COUNTS_DEFER_ABOVE = 10
    page_without_js.goto(f"{site}/?kind=summit")
    page_without_js.get_by_role("link", name=re.compile("See the counts")).click()
    expect(page_without_js).to_have_url(re.compile(r"/en/counts/\?kind=summit"))
    page_without_js.locator(".facet", has_text="Actor").locator("a").first.click()
    expect(page_without_js).to_have_url(re.compile(r"/\?kind=summit&actor="))
    expect(entries(page_without_js).first).to_be_visible()


def test_load_more_appends_the_next_page(page, site):
    page.goto(f"{site}/?limit=10")
    expect(entries(page)).to_have_count(10)
    page.get_by_role("link", name="Load more events").click()
    expect(entries(page)).to_have_count(20)


def test_open_an_event_page(page, site):
    page.goto(f"{site}/?kind=summit")
    link = page.locator("li.event h3 a").first
    title = link.inner_text()
    link.click()
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator(".account").first).to_be_visible()


def test_actor_autocomplete_suggests_by_alias_and_filters(page, site):
    page.goto(f"{site}/")
    page.get_by_label("Add an actor").press_sequentially("김정은", delay=30)
    suggestion = page.locator("#actor-suggestions input[value='kim-jong-un']")
    expect(suggestion).to_be_visible()
    suggestion.check()
    expect(page).to_have_url(re.compile(r"actor=kim-jong-un"))
    expect(page.locator("li.event").first).to_be_visible()


def test_unreadable_date_shows_a_message_next_to_the_field(page, site):
    page.goto(f"{site}/")
    page.get_by_label("From").fill("notadate")
    page.get_by_label("From").press("Enter")
    expect(page.locator("#from-error")).to_contain_text("not a date")


def test_without_javascript_the_form_and_links_still_work(page_without_js, site):
    page = page_without_js
    page.goto(f"{site}/?limit=10")
    page.get_by_label("Summit", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=summit"))
    assert set(page.locator("li.event .badge.kind").all_inner_texts()) == {"Summit"}
    page.goto(f"{site}/?limit=10")
    page.get_by_role("link", name="Load more events").click()
    expect(page).to_have_url(re.compile(r"cursor="))
    expect(entries(page).first).to_be_visible()
    page.locator("li.event h3 a").first.click()
    expect(page.locator(".event-page h1")).to_be_visible()


@pytest.mark.parametrize("name, width, height", [("desktop", 1280, 900), ("phone", 360, 780)])
def test_screenshots_and_no_sideways_scroll(browser, site, name, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{site}/")
    expect(entries(page).first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / f"timeline-{name}.png"))
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert scroll_width <= width


def test_admin_when_preview_works_under_the_csp(page, site, django_user_model):
    django_user_model.objects.create_superuser("chief", password="pw-chief-12345")
    page.goto(f"{site}/admin/login/?next=/admin/timeline/event/add/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("pw-chief-12345")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/timeline/event/add/"))
    page.locator("#id_when_base").fill("2026-02-27")
    page.locator("#id_when").press_sequentially("late next month to early April", delay=20)
    expect(page.locator("#when-preview")).to_contain_text(
        "21 March – 10 April 2026 (month precision, approximate)"
    )


def test_api_docs_render_under_the_csp(page, site):
    page.goto(f"{site}/api/v1/docs")
    expect(page.locator(".swagger-ui").first).to_be_visible(timeout=15000)


def test_no_script_runs_and_no_dialog_opens_on_hostile_content(page, site):
    """Payloads in every field of an event: the page fixture fails on any dialog or error."""
    import json as jsonlib
    from datetime import date

    from timeline.models import Actor, Citation, Event, Participation, Source

    payloads = jsonlib.loads((Path(__file__).parent / "data" / "xss_payloads.json").read_text())
    event = Event.objects.create(
        title=" ".join(payloads[:10])[:300],
        slug="hostile-browser",
        kind="statement",
        summary=" ".join(payloads),
        body="\n\n".join(payloads),
        location=payloads[3][:200],
        start=date(2031, 5, 5),
        end=date(2031, 5, 5),
        publication="published",
    )
    actor = Actor.objects.create(
        name=payloads[0][:200],
        slug="hostile-browser-actor",
        kind="person",
        aliases=payloads[:20],
        description=" ".join(payloads),
    )
    source = Source.objects.create(title=" ".join(payloads[:5])[:500], url="https://example.org/h")
    Participation.objects.create(event=event, actor=actor, title_at_time=payloads[1][:200])
    Citation.objects.create(event=event, source=source, quote=" ".join(payloads), speaker=actor)
    for path in (
        "/en/events/hostile-browser/",
        "/en/?from=2031",
        "/en/actors/hostile-browser-actor/",
        "/en/?q=script&from=2031",
    ):
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss === undefined"), path

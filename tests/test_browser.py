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


SIZES = [("desktop", 1366, 900), ("phone", 390, 844)]


def kind_box(page, kind):
    return page.locator(f"#filters input[name=kind][value={kind}]")


def open_filters(page):
    """On a phone the filters are folded away under "Filters"; on a desktop they are open."""
    panel = page.locator("#filter-panel")
    if not panel.locator("input[name=kind]").first.is_visible():
        panel.locator("summary").click()
    expect(panel.locator("input[name=kind]").first).to_be_visible()


def assert_tidy_url(page):
    query = page.url.split("?", 1)[1].split("#")[0] if "?" in page.url else ""
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        assert value, f"empty parameter {name!r} in {page.url}"


@pytest.fixture(params=SIZES, ids=[size[0] for size in SIZES])
def sized_page(request, browser):
    _name, width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == [], errors


def test_filter_by_kind_updates_list_and_url_then_back_restores(page, site):
    page.goto(f"{site}/")
    expect(entries(page).first).to_be_visible()
    all_first = entries(page).first.get_attribute("id")
    kind_box(page, "summit").check()
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


def test_first_event_card_starts_inside_the_first_screen(sized_page, site):
    page = sized_page
    height = page.viewport_size["height"]
    for path in ("/", "/actors/kim-jong-un/", "/?from=2018&to=2018"):
        page.goto(f"{site}{path}")
        box = entries(page).first.bounding_box()
        # The card's top and its first lines are on the first screen.
        assert box is not None and 0 <= box["y"] < height - 48, (path, box)


def test_bar_then_kind_then_search_keeps_every_filter_and_the_form_shows_it(sized_page, site):
    page = sized_page
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/?" in r.url else None)
    page.goto(f"{site}/")
    page.locator(".rail .slot", has_text="2018").first.click()
    expect(page).to_have_url(re.compile(r"from=2018&to=2018"))
    expect(page.locator("#from")).to_have_value("2018")
    expect(page.locator("#to")).to_have_value("2018")
    expect(page.locator(".rail .slot[aria-current=true]")).to_have_count(0)  # monthly now
    assert_tidy_url(page)
    open_filters(page)
    kind_box(page, "summit").check()
    expect(page).to_have_url(re.compile(r"kind=summit"))
    expect(page).to_have_url(re.compile(r"from=2018&to=2018"))
    assert_tidy_url(page)
    requests.clear()
    page.locator("#q").fill("Singapore")
    page.locator("#q").press("Enter")
    expect(page).to_have_url(re.compile(r"q=Singapore"))
    for name in ("from=2018", "to=2018", "kind=summit"):
        assert name in page.url, page.url
    assert_tidy_url(page)
    expect(page.locator("#from")).to_have_value("2018")
    expect(page.locator("#to")).to_have_value("2018")
    expect(page.locator("#q")).to_have_value("Singapore")
    expect(kind_box(page, "summit")).to_be_checked()
    expect(page.locator("#e-2018-06-12-singapore-summit")).to_be_visible()
    assert set(page.locator("li.event .badge.kind").all_inner_texts()) == {"Summit"}
    assert all("2018" in t for t in page.locator("li.event .when time").all_inner_texts())
    page.wait_for_load_state("networkidle")
    assert len(requests) == 1, requests  # one request for one Enter


def test_load_more_twice_then_an_event_then_back_restores_cards_and_scroll(sized_page, site):
    page = sized_page
    page.goto(f"{site}/?limit=10")
    expect(entries(page)).to_have_count(10)
    page.get_by_role("link", name="Load more events").click()
    expect(entries(page)).to_have_count(20)
    page.get_by_role("link", name="Load more events").click()
    expect(entries(page)).to_have_count(30)
    expect(page).to_have_url(re.compile(r"pages=3"))
    assert_tidy_url(page)
    years = page.locator("#event-list .marker.year h2").all_inner_texts()
    assert len(years) == len(set(years)), years  # no heading repeated where pages join
    target = entries(page).nth(24)
    target.scroll_into_view_if_needed()
    page.mouse.wheel(0, 200)
    page.wait_for_timeout(300)
    before = page.evaluate("window.scrollY")
    target.locator("h3 a").click()
    expect(page.locator(".event-page h1")).to_be_visible()
    page.go_back()
    expect(entries(page)).to_have_count(30)
    page.wait_for_timeout(500)
    after = page.evaluate("window.scrollY")
    assert abs(after - before) <= 100, (before, after)


def test_actor_combobox_works_by_keyboard(sized_page, site):
    page = sized_page
    page.goto(f"{site}/")
    open_filters(page)
    box = page.get_by_role("combobox", name="Add an actor")
    box.press_sequentially("moon", delay=40)
    listbox = page.get_by_role("listbox", name="Suggested actors")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Moon")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    second = options.nth(1)
    expect(second).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    slug = second.get_attribute("data-value")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"actor={slug}"))
    expect(page.locator(f"#filters input[name=actor][value={slug}]")).to_be_checked()
    expect(entries(page).first).to_be_visible()


def test_enter_on_a_typed_actor_name_filters_by_it(page, site):
    page.goto(f"{site}/")
    box = page.get_by_role("combobox", name="Add an actor")
    box.fill("김정은")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"actor=kim-jong-un"))
    assert_tidy_url(page)


def test_country_names_in_the_control_and_the_counts(page, site, page_without_js):
    page.goto(f"{site}/")
    expect(page.locator("#filters legend", has_text="where it happened")).to_be_visible()

    def country_label(code):
        return page.locator("label.check", has=page.locator(f"input[name=country][value={code}]"))

    expect(country_label("KP")).to_contain_text("North Korea")
    expect(country_label("SG")).to_contain_text("Singapore")
    country_label("SG").locator("input").check()
    expect(page).to_have_url(re.compile(r"country=SG"))
    expect(page.locator("#n-country-SG")).to_have_text(re.compile(r"\d"))
    page_without_js.goto(f"{site}/counts/")
    facet = page_without_js.locator(".facet", has_text="where it happened")
    expect(facet.get_by_role("link", name="North Korea")).to_be_visible()
    expect(facet.get_by_role("link", name="KP", exact=True)).to_have_count(0)


def test_on_a_large_record_the_counts_arrive_after_the_page(page, site, settings):
    settings.COUNTS_DEFER_ABOVE = 10  # the curated record counts as large here
    page.goto(f"{site}/?kind=summit")
    expect(entries(page).first).to_be_visible()
    expect(page.locator("#counts .slot").first).to_be_visible()  # fetched by htmx once shown
    expect(page.locator("#counts.pending")).to_have_count(0)
    expect(page.locator("#result-count")).to_contain_text("events")
    expect(page.locator("#n-kind-summit")).to_have_text(re.compile(r"\d+"))
    page.locator("#counts .slot", has_text="2019").first.click()
    expect(page).to_have_url(re.compile(r"kind=summit&from=2019&to=2019"))
    expect(page.locator("li.event .badge.kind").first).to_have_text("Summit")
    expect(page.locator("#counts .slot").first).to_be_visible()


def test_without_javascript_a_large_record_links_to_its_counts(page_without_js, site, settings):
    settings.COUNTS_DEFER_ABOVE = 10
    page_without_js.goto(f"{site}/?kind=summit")
    page_without_js.get_by_role("link", name=re.compile("See the counts")).click()
    expect(page_without_js).to_have_url(re.compile(r"/en/counts/\?kind=summit"))
    # The year rail stands beside the counts, never over them: a click reaches the link.
    rail = page_without_js.locator("#counts").bounding_box()
    facets = page_without_js.locator(".facets").bounding_box()
    assert rail["x"] + rail["width"] <= facets["x"]
    page_without_js.locator(".facet", has_text="Actor").locator("a").last.click()
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


def test_unreadable_date_shows_a_message_next_to_the_field(page, site):
    page.goto(f"{site}/")
    page.get_by_label("From", exact=True).fill("notadate")
    page.get_by_label("From", exact=True).press("Enter")
    # The first unreadable phrase wakes dateparser's language data: seconds on a cold server.
    expect(page.locator("#from-error")).to_contain_text("not a date", timeout=20000)


def test_without_javascript_the_form_and_links_still_work(page_without_js, site):
    page = page_without_js
    page.goto(f"{site}/?limit=10")
    open_filters(page)
    kind_box(page, "summit").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=summit"))
    assert_tidy_url(page)
    assert set(page.locator("li.event .badge.kind").all_inner_texts()) == {"Summit"}
    page.goto(f"{site}/?limit=10")
    page.get_by_role("link", name="Load more events").click()
    expect(page).to_have_url(re.compile(r"pages=2"))
    expect(entries(page)).to_have_count(20)
    page.locator("li.event h3 a").first.click()
    expect(page.locator(".event-page h1")).to_be_visible()


SCREENS = {
    "timeline": "/",
    "event": "/events/2018-06-12-singapore-summit/",
    "actor": "/actors/kim-jong-un/",
    "about": "/about/",
}


@pytest.mark.parametrize("name, width, height", SIZES)
def test_screenshots_and_no_sideways_scroll(browser, site, name, width, height):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    widths = {}
    for screen, path in SCREENS.items():
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{screen}-{name}.png"))
        widths[screen] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert all(w <= width for w in widths.values()), widths


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

"""The editorial desk in a real headless Chromium: the When box fills the stored span, the
reference date is an ISO value the native date input accepts; screenshots of the desk's pages
at desktop and phone width go to test-artifacts/."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from playwright.sync_api import expect

from tests.test_browser import ARTIFACTS, browser  # noqa: F401  (the Chromium fixture)
from timeline.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(live_server):
    from timeline.curated import load_curated

    load_curated()
    call_command("setup_roles", stdout=io.StringIO())
    for name, group in (("editor", "editors"), ("reviewer", "reviewers")):
        user = User.objects.create_user(name, password=f"pw-{name}-12345", is_staff=True)
        user.groups.add(Group.objects.get(name=group))
    return live_server.url


def signed_in(browser, site, username, *, width=1366, height=900):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
    )
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-12345")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#site-name")).to_be_visible()
    return context, page, problems


def test_when_fills_start_end_and_precision_and_they_stay_editable(browser, desk):  # noqa: F811
    context, page, problems = signed_in(browser, desk, "editor")
    page.goto(f"{desk}/admin/timeline/event/add/")
    page.locator("#id_title").fill("Envoys meet in Geneva")
    page.locator("#id_kind").select_option("meeting")
    page.locator("#id_when_base").fill("2026-02-27")
    page.locator("#id_when").press_sequentially("late next month to early April", delay=20)
    preview = page.locator("#when-preview")
    expect(preview).to_contain_text("21 March – 10 April 2026 (month precision, approximate)")
    expect(page.locator("#id_start")).to_have_value("2026-03-21")
    expect(page.locator("#id_end")).to_have_value("2026-04-10")
    expect(page.locator("#id_precision")).to_have_value("month")
    expect(page.locator("#id_approximate")).to_be_checked()
    page.locator("#id_end").fill("2026-04-12")  # the editor corrects the end by hand
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    event = Event.objects.get(title="Envoys meet in Geneva")
    assert (str(event.start), str(event.end), event.precision, event.approximate) == (
        "2026-03-21",
        "2026-04-12",
        "month",
        True,
    )
    assert event.date_text == "late next month to early April"
    context.close()
    assert problems == [], problems


def test_reference_date_is_the_cited_sources_date_and_chromium_accepts_it(browser, desk):  # noqa: F811
    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    cited = min(c.source.published_on for c in event.citations.all() if c.source.published_on)
    context, page, problems = signed_in(browser, desk, "editor")
    page.goto(f"{desk}/admin/timeline/event/{event.pk}/change/")
    # A value the date input rejects reads back as "" (and logs a console warning).
    expect(page.locator("#id_when_base")).to_have_value(cited.isoformat())
    expect(page.locator("#id_start")).to_have_value(event.start.isoformat())
    expect(page.locator("#id_when")).to_have_value(event.date_text or event.date_display)
    expect(page.locator("#when-preview")).to_contain_text("Will be stored as")
    # Opening the form changed nothing: the preview shown on load fills no field.
    expect(page.locator("#id_end")).to_have_value(event.end.isoformat())
    validity = page.evaluate("document.getElementById('id_when_base').validity.valid")
    assert validity is True
    context.close()
    assert problems == [], problems


PAGES = {
    "home": "/admin/",
    "change-form": None,  # filled in below: an event with its When preview
    "review": None,
    "import-csv": "/admin/timeline/event/import-csv/",
    "import-article": "/admin/timeline/event/import-article/",
}


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)])
def test_desk_pages_screenshots(browser, desk, width, height):  # noqa: F811
    from django.test import Client
    from django.urls import reverse

    from tests.test_admin import form_data
    from timeline.models import ProposedRevision

    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    client = Client()
    client.force_login(User.objects.get(username="editor"))
    client.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(
            event,
            title="Trump and Kim meet in Singapore (renamed)",
            summary=event.summary + " 북미 정상회담.",
            location=event.location,
            country=event.country,
        ),
    )
    revision = ProposedRevision.objects.get(state="pending")
    pages = {
        **PAGES,
        "change-form": f"/admin/timeline/event/{event.pk}/change/",
        "review": reverse("admin:timeline_proposedrevision_review", args=[revision.pk]),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    context, page, problems = signed_in(browser, desk, "reviewer", width=width, height=height)
    for name, path in pages.items():
        page.goto(f"{desk}{path}")
        if name == "change-form":
            page.locator("#id_when").fill("")
            page.locator("#id_when").press_sequentially("2018년 6월 12일", delay=10)
            expect(page.locator("#when-preview")).to_contain_text("12 June 2018")
            page.locator("fieldset", has=page.locator("#id_when")).scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"desk-change-form-when-{width}.png"))
        page.screenshot(path=str(ARTIFACTS / f"desk-{name}-{width}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0 or name == "change-form", (name, overflow)
    expect(page.locator("body")).not_to_contain_text(re.compile("Server Error"))
    context.close()
    assert problems == [], problems

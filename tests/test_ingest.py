"""Article import: sentences with dates become candidate events, furniture does not."""

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from timeline.dates import Precision
from timeline.ingest import propose_events, split_sentences
from timeline.models import Event, Source

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.fail(f"seed article {path} is missing: the tests expect shared/ beside the repo")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def white_house(curated):
    return propose_events(seed("000_d1face07a20bebb5.txt"), published_on=date(2026, 2, 27))


@pytest.fixture
def drills(curated):
    return propose_events(
        seed("002_e8f9dd69e5218fe3.txt"), published_on=date(2025, 12, 9), language="en"
    )


def find(candidates, start, end=None):
    end = end or start
    return [c for c in candidates if (c.span.start, c.span.end) == (start, end)]


def test_thursday_statement_resolves_against_the_article_date(white_house):
    [statement] = find(white_house, date(2026, 2, 26))
    assert statement.kind == "statement"
    assert {a.name for a in statement.actors} >= {"White House", "Donald Trump"}
    assert statement.sentence.startswith("The White House stated on Thursday")


def test_singapore_in_june_2018_is_month_precision(white_house):
    [singapore] = find(white_house, date(2018, 6, 1), date(2018, 6, 30))
    assert singapore.span.precision == Precision.MONTH
    assert "Singapore" in singapore.title
    assert find(white_house, date(2019, 2, 1), date(2019, 2, 28))  # Hanoi
    assert find(white_house, date(2019, 6, 1), date(2019, 6, 30))  # Panmunjom


def test_late_next_month_to_early_april(white_house):
    [visit] = find(white_house, date(2026, 3, 21), date(2026, 4, 10))
    assert visit.span.approximate
    assert "Donald Trump" in {a.name for a in visit.actors}


def test_this_week_visit_names_the_officials(white_house):
    [visit] = [
        c for c in find(white_house, date(2026, 2, 23), date(2026, 3, 1)) if c.kind == "visit"
    ]
    assert "Jeong Yeon-doo" in visit.sentence
    assert {"Jeong Yeon-doo", "Allison Hooker", "Michael DeSombre"} <= {
        a.name for a in visit.actors
    }


def test_explicit_date_wins_over_a_weekday_in_the_same_sentence(white_house):
    assert find(white_house, date(2025, 12, 19))  # "Dec. 19 (Yonhap) -- … vowed Friday"
    assert not any(
        "Dec. 19" in c.sentence and c.span.start == date(2026, 2, 27) for c in white_house
    )


def test_page_furniture_is_not_an_event(white_house, drills):
    sentences = " ".join(c.sentence for c in [*white_house, *drills])
    for furniture in (
        "cookie",
        "Billede genereret",
        "AI 生成",
        "Rapporteret af AI",
        "Initial reactions",
    ):
        assert furniture not in sentences
    assert not any("reported on February 27" in c.sentence for c in white_house)
    assert not any(c.sentence.lower().startswith("and ties with russia") for c in white_house)


def test_second_article_english_and_chinese(drills):
    [wi] = find(drills, date(2025, 12, 7))
    assert "Wi Sung-lac" in {a.name for a in wi.actors}
    [yoon] = find(drills, date(2025, 12, 8))[:1]
    assert "Yoon Min-ho" in {a.name for a in yoon.actors}
    [proposal] = find(drills, date(2025, 11, 17))
    assert proposal.kind == "proposal"
    [beijing] = find(drills, date(2026, 1, 6))
    assert {a.name for a in beijing.actors} >= {"Xi Jinping", "Lee Jae-myung"}
    assert "1月6日" in beijing.sentence


def test_korean_dates_and_hangul_aliases(curated):
    [candidate] = propose_events(
        "한국은 11월 17일 북한에 군사회담을 제안했다고 김정은 위원장에게 밝혔다.",
        published_on=date(2025, 12, 1),
    )
    assert candidate.span.start == date(2025, 11, 17)
    assert "Kim Jong-un" in {a.name for a in candidate.actors}


def test_a_date_that_qualifies_another_event_is_not_a_candidate(curated):
    text = "The remarks came a day after the drills began, officials in Seoul told reporters."
    assert propose_events(text, published_on=date(2026, 3, 10)) == []


def test_abbreviations_do_not_split_sentences():
    [sentence] = split_sentences("U.S. President Donald Trump met Kim on Dec. 19 in Seoul today.")
    assert sentence.startswith("U.S. President")


def test_admin_import_creates_drafts_citing_the_article(client, curated, django_user_model):
    admin = django_user_model.objects.create_superuser("chief", password="pw-chief-12345")
    client.force_login(admin)
    url = reverse("admin:timeline_event_import_article")
    data = {
        "text": seed("000_d1face07a20bebb5.txt"),
        "url": "https://example.org/white-house-open",
        "title": "White House says Trump remains open to dialogue",
        "publisher": "Example",
        "published_on": "2026-02-27",
        "language": "en",
        "ai_generated": "on",
    }
    preview = client.post(url, data).content.decode()
    assert "Candidate events" in preview and "26 February 2026" in preview
    candidates = propose_events(data["text"], published_on=date(2026, 2, 27), language="en")
    index = next(i for i, c in enumerate(candidates) if c.span.start == date(2026, 2, 26))
    response = client.post(
        url,
        {**data, "create": "1", "candidate": [str(index)], f"title-{index}": "WH: open to talks"},
    )
    assert response.status_code == 302
    event = Event.objects.get(title="WH: open to talks")
    assert event.publication == "draft" and event.start == date(2026, 2, 26)
    citation = event.citations.get()
    assert citation.source.url == "https://example.org/white-house-open"
    assert citation.source.ai_generated and citation.quote.startswith("The White House stated")
    # The same URL again reuses the source.
    client.post(url, {**data, "create": "1", "candidate": [str(index)]})
    assert Source.objects.filter(url="https://example.org/white-house-open").count() == 1

"""Article import: news read as news. Datelines are the filing date, each dated verb one event.

The articles in tests/data/articles/ are written for these tests in the style of wire reports
(English and Korean); the tests need nothing outside the repository.
"""

import os
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates import Precision
from timeline.ingest import propose_events, split_sentences, strip_dateline
from timeline.models import Event, Source

pytestmark = pytest.mark.django_db

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
D, M, Y = Precision.DAY, Precision.MONTH, Precision.YEAR


def article(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


# article, publication date, expected candidates in order:
# (start, end, precision, approximate, kind, status, title)
EXPECTED = {
    ("en_missiles_wire.txt", date(2026, 3, 5)): [
        # "SEOUL, March 4 (Yonhap) -- … on Tuesday": the Tuesday before the dateline.
        ("2026-03-03", "2026-03-03", D, False, "missile_test", "occurred",
         "North Korea fires two short-range ballistic missiles"),
        # "a day after the allies began … on Monday": the drills' own date, one event.
        ("2026-03-02", "2026-03-02", D, False, "military_drill", "occurred",
         "The allies begin their annual Freedom Shield exercise"),
        # "warned … that the North would answer the drills" is a statement, not a drill.
        ("2026-03-04", "2026-03-04", D, False, "statement", "occurred",
         "North Korea's defence ministry warns the North would answer the drills"),
        # "is expected to visit … in late April, his office said on Monday": one event.
        ("2026-04-21", "2026-04-30", M, True, "visit", "scheduled",
         "South Korean President Lee Jae-myung to visit Washington"),
        # "later this year, possibly in early November" in a March 2026 report: November 2026.
        ("2026-11-01", "2026-11-10", M, True, "meeting", "speculated",
         "The two leaders could meet"),
    ],
    ("en_washington_wire.txt", date(2025, 12, 20)): [
        ("2025-12-19", "2025-12-19", D, False, "statement", "occurred",
         "The White House says Donald Trump remains open to talks with Kim"),
        ("2026-04-01", "2026-04-30", M, False, "visit", "scheduled",
         "Trump to travel to Beijing"),
        ("2018-06-01", "2018-06-30", M, False, "meeting", "occurred",
         "Kim Jong-un meets Trump in Singapore"),
        ("2019-02-01", "2019-02-28", M, False, "meeting", "occurred",
         "Kim Jong-un meets Trump in Hanoi"),
        ("2019-06-01", "2019-06-30", M, False, "meeting", "occurred",
         "Kim Jong-un meets Trump at Panmunjom"),
    ],
    ("ko_missiles_wire.txt", date(2026, 3, 12)): [
        ("2026-03-12", "2026-03-12", D, False, "missile_test", "occurred",
         "북한, 단거리 탄도미사일 2발 발사"),
        ("2026-03-09", "2026-03-09", D, False, "military_drill", "occurred",
         "한미 양국 군, 연례 연합연습 시작"),
        ("2026-03-10", "2026-03-10", D, False, "statement", "occurred",
         "북한 국방성, 강력히 대응 경고"),
        ("2026-04-21", "2026-04-30", M, True, "visit", "scheduled",
         "이재명 대통령, 워싱턴 방문 예정"),
        ("2026-11-01", "2026-11-10", M, True, "meeting", "scheduled",
         "양국 정상, 다시 회동 예정"),
        ("2025-11-01", "2025-11-30", M, False, "missile_test", "occurred",
         "북한, 탄도미사일 발사"),
    ],
    ("ko_diplomacy_wire.txt", date(2026, 3, 10)): [
        ("2026-03-15", "2026-03-15", D, False, "talks", "scheduled",
         "외교부, 한미 외교장관 회담 예정"),
        ("2026-02-27", "2026-02-27", D, False, "sanctions", "occurred",
         "정부, 대북 독자 제재 발표"),
        # "12일" in a report of the 10th: the 12th is still ahead, so it is last month's.
        ("2026-02-12", "2026-02-12", D, False, "missile_test", "occurred",
         "북한, 신형 순항미사일 시험 발사"),
        ("2026-03-13", "2026-03-13", D, False, "visit", "scheduled",
         "통일부 장관, 판문점 방문 예정"),
        ("2026-03-05", "2026-03-06", D, False, "talks", "occurred",
         "미국과 중국, 고위급 회담"),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name, published_on", list(EXPECTED), ids=lambda v: str(v))
def test_wire_article_gives_exactly_the_expected_candidates(curated, name, published_on):
    candidates = propose_events(article(name), published_on=published_on)
    got = [
        (
            c.span.start.isoformat(),
            c.span.end.isoformat(),
            c.span.precision,
            c.span.approximate,
            c.kind,
            c.status,
            c.title,
        )
        for c in candidates
    ]
    assert got == EXPECTED[(name, published_on)]


def test_a_dateline_is_the_filing_date_not_an_event_date(curated):
    candidates = propose_events(article("en_missiles_wire.txt"), published_on=date(2026, 3, 5))
    [launch] = [c for c in candidates if c.kind == "missile_test"]
    assert launch.span.start == date(2026, 3, 3)
    assert launch.date_text == "Tuesday"
    assert launch.sentence.startswith("North Korea fired two")  # the quote has no dateline
    assert not any("March 4" in c.date_text for c in candidates)


def test_the_dateline_not_the_publication_date_anchors_relative_days(curated):
    text = "WASHINGTON, Dec. 19 -- The White House said Friday that Trump remains open to talks."
    # Published in Seoul the next day: "Friday" is still the dateline's Friday.
    [statement] = propose_events(text, published_on=date(2025, 12, 20))
    assert statement.span.start == date(2025, 12, 19)
    # Without a dateline the same words are read against the publication date.
    [plain] = propose_events(strip_dateline(text), published_on=date(2025, 12, 24))
    assert plain.span.start == date(2025, 12, 19)
    # Filed in December, published in January: the dateline's year is the one before.
    [late] = propose_events(text, published_on=date(2026, 1, 2))
    assert late.span.start == date(2025, 12, 19)


def test_one_candidate_per_event_per_sentence(curated):
    candidates = propose_events(article("en_missiles_wire.txt"), published_on=date(2026, 3, 5))
    sentences = [c.sentence for c in candidates]
    assert len(sentences) == len(set(sentences))
    text = "North Korea fired a missile this week, on Tuesday, officials said on Wednesday."
    [launch] = propose_events(text, published_on=date(2026, 3, 5))
    assert (launch.kind, launch.span.start) == ("missile_test", date(2026, 3, 3))


def test_future_plans_keep_their_direction(curated):
    text = "The summit is expected to take place later this year, possibly in early November."
    [summit] = propose_events(text, published_on=date(2026, 3, 4))
    assert (summit.span.start, summit.span.end) == (date(2026, 11, 1), date(2026, 11, 10))
    assert summit.status == "scheduled"
    text = "Kim will visit Beijing next month, state media said."
    [visit] = propose_events(text, published_on=date(2026, 3, 4))
    assert (visit.span.start, visit.span.end, visit.kind, visit.status) == (
        date(2026, 4, 1),
        date(2026, 4, 30),
        "visit",
        "scheduled",
    )
    text = "Seoul plans to hold talks with Tokyo in January."
    [talks] = propose_events(text, published_on=date(2025, 12, 9))
    assert (talks.span.start, talks.kind, talks.status) == (date(2026, 1, 1), "talks", "scheduled")
    assert talks.title == "Seoul to hold talks"


def test_titles_find_the_subject_and_leave_noun_dates_alone(curated):
    text = "The North's chief negotiator, Ri Son-gwon, visited Moscow this week for talks."
    [visit] = propose_events(text, published_on=date(2026, 3, 4))
    assert visit.title == "Ri Son-gwon visits Moscow"
    assert (visit.span.start, visit.span.precision) == (date(2026, 3, 2), Precision.WEEK)
    text = "North Korea on Saturday denounced this week's joint drills by Seoul and Washington."
    [statement] = propose_events(text, published_on=date(2026, 3, 4))
    assert statement.span.start == date(2026, 2, 28)
    assert statement.title == "North Korea denounces this week's joint drills"


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    text=st.lists(
        st.sampled_from(
            [
                "SEOUL, March 4 (Yonhap) --",
                "(서울=연합뉴스) 김하늘 기자 =",
                "North Korea fired",
                "is expected to visit",
                "said on Monday",
                "later this year",
                "in early November",
                "12일",
                "지난 화요일",
                "발사했다.",
                "방문할 예정이다.",
                "a day after",
                ",",
                ".",
                "that",
                "the",
                "'s",
            ]
        ),
        max_size=14,
    ).map(" ".join),
    published_on=st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
)
def test_any_mix_of_wire_phrases_never_raises(text, published_on):
    for candidate in propose_events(text, published_on=published_on):
        assert candidate.span.start <= candidate.span.end
        assert candidate.title.strip()


def test_a_past_event_on_a_weekday_is_the_one_before_the_report(curated):
    text = "North Korea launched a cruise missile on Thursday, the military said."
    [launch] = propose_events(text, published_on=date(2026, 3, 4))  # a Wednesday
    assert launch.span.start == date(2026, 2, 26)
    assert launch.title == "North Korea launches a cruise missile"


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("North Korea warned on Monday that it would answer the drills with force.", "statement"),
        ("Pyongyang said on Monday that the summit had been a failure.", "statement"),
        ("The North fired an intercontinental ballistic missile on Monday.", "missile_test"),
        ("The allies began joint drills on Monday near the border.", "military_drill"),
        ("Lee visited Tokyo on Monday for talks with the prime minister.", "visit"),
        ("The two leaders met in Beijing on Monday.", "meeting"),
        ("북한은 지난 9일 담화에서 연합훈련을 규탄한다고 경고했다.", "statement"),
        ("북한이 9일 탄도미사일을 발사했다.", "missile_test"),
        ("한미 양국은 9일 연합훈련을 시작했다.", "military_drill"),
        ("이재명 대통령이 9일 도쿄를 방문했다.", "visit"),
    ],
)
def test_kind_comes_from_the_main_verb(curated, sentence, kind):
    [candidate] = propose_events(sentence, published_on=date(2026, 3, 10))
    assert candidate.kind == kind


def test_korean_datelines_are_stripped_and_sentences_split():
    text = article("ko_missiles_wire.txt")
    sentences = split_sentences(text)
    assert sentences[1].startswith("(서울=연합뉴스) 김하늘 기자 = 북한이 12일")
    assert sentences[2] == "한미 양국 군은 지난 9일 연례 연합연습을 시작했다."
    assert strip_dateline(sentences[1]).startswith("북한이 12일")
    assert strip_dateline("【서울=연합뉴스】 박서준 기자 = 외교부는 밝혔다.") == "외교부는 밝혔다."
    assert not any("무단 전재" in s for s in sentences)  # copyright furniture


def test_korean_article_names_actors_by_their_hangul_names(curated):
    candidates = propose_events(article("ko_missiles_wire.txt"), published_on=date(2026, 3, 12))
    [visit] = [c for c in candidates if c.kind == "visit"]
    assert [a.name for a in visit.actors] == ["Lee Jae-myung"]
    [visit] = [
        c
        for c in propose_events(article("en_missiles_wire.txt"), published_on=date(2026, 3, 5))
        if c.kind == "visit"
    ]
    assert [a.name for a in visit.actors] == ["Lee Jae-myung"]


def test_english_article_names_its_actors(curated):
    candidates = propose_events(article("en_washington_wire.txt"), published_on=date(2025, 12, 20))
    assert {a.name for a in candidates[0].actors} == {"White House", "Donald Trump"}
    assert {a.name for a in candidates[1].actors} >= {"Donald Trump", "Xi Jinping"}


def test_furniture_and_reporting_notes_are_not_events(curated):
    candidates = [
        *propose_events(article("en_missiles_wire.txt"), published_on=date(2026, 3, 5)),
        *propose_events(article("en_washington_wire.txt"), published_on=date(2025, 12, 20)),
    ]
    sentences = " ".join(c.sentence for c in candidates)
    assert "cookies" not in sentences and "Related articles" not in sentences
    assert "were reported on" not in sentences


def test_a_date_that_qualifies_another_event_is_not_a_candidate(curated):
    text = "The remarks came a day after the drills began, officials in Seoul told reporters."
    assert propose_events(text, published_on=date(2026, 3, 10)) == []


def test_korean_article_read_with_a_language_hint(curated):
    text = "북한은 지난달 28일 탄도미사일을 발사했다."
    [launch] = propose_events(text, published_on=date(2026, 3, 12), language="ko")
    assert (launch.span.start, launch.kind) == (date(2026, 2, 28), "missile_test")


def test_abbreviations_do_not_split_sentences():
    [sentence] = split_sentences("U.S. President Donald Trump met Kim on Dec. 19 in Seoul today.")
    assert sentence.startswith("U.S. President")


def test_admin_import_creates_drafts_citing_the_article(client, curated, django_user_model):
    admin = django_user_model.objects.create_superuser("chief", password="pw-chief-12345")
    client.force_login(admin)
    url = reverse("admin:timeline_event_import_article")
    data = {
        "text": article("en_washington_wire.txt"),
        "url": "https://example.org/white-house-open",
        "title": "White House says Trump remains open to talks",
        "publisher": "Example",
        "published_on": "2025-12-20",
        "language": "en",
        "ai_generated": "on",
    }
    preview = client.post(url, data).content.decode()
    assert "Candidate events" in preview and "19 December 2025" in preview
    candidates = propose_events(data["text"], published_on=date(2025, 12, 20), language="en")
    index = next(i for i, c in enumerate(candidates) if c.span.start == date(2025, 12, 19))
    response = client.post(
        url,
        {**data, "create": "1", "candidate": [str(index)], f"title-{index}": "WH: open to talks"},
    )
    assert response.status_code == 302
    event = Event.objects.get(title="WH: open to talks")
    assert event.publication == "draft" and event.start == date(2025, 12, 19)
    citation = event.citations.get()
    assert citation.source.url == "https://example.org/white-house-open"
    assert citation.source.ai_generated and citation.quote.startswith("The White House said")
    # The same URL again reuses the source.
    client.post(url, {**data, "create": "1", "candidate": [str(index)]})
    assert Source.objects.filter(url="https://example.org/white-house-open").count() == 1


# Optional: the research seed articles, when the shared folder sits beside the repository ------

SEEDS = Path(
    os.environ.get("SHARED_SEEDS_DIR", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)


@pytest.mark.skipif(
    not (SEEDS / "000_d1face07a20bebb5.txt").exists(),
    reason=f"optional check: the research seed articles ({SEEDS}) are not in this checkout; "
    "the fixture articles in tests/data/articles cover the import",
)
def test_optional_research_seed_articles(curated):
    text = (SEEDS / "000_d1face07a20bebb5.txt").read_text(encoding="utf-8")
    candidates = propose_events(text, published_on=date(2026, 2, 27))
    dated = {(c.span.start, c.span.end): c for c in candidates}
    assert dated[(date(2026, 2, 26), date(2026, 2, 26))].kind == "statement"
    assert dated[(date(2018, 6, 1), date(2018, 6, 30))].span.precision == Precision.MONTH
    assert (date(2026, 3, 21), date(2026, 4, 10)) in dated
    assert dated[(date(2025, 12, 19), date(2025, 12, 19))].kind == "statement"


def test_admin_import_keeps_the_status_it_read(client, curated, django_user_model):
    admin = django_user_model.objects.create_superuser("chief2", password="pw-chief-12345")
    client.force_login(admin)
    url = reverse("admin:timeline_event_import_article")
    text = article("en_missiles_wire.txt")
    published = date(2026, 3, 5)
    candidates = propose_events(text, published_on=published, language="en")
    index = next(i for i, c in enumerate(candidates) if c.status == "scheduled")
    data = {
        "text": text,
        "url": "https://example.org/missiles-wire",
        "title": "North Korea fires missiles",
        "publisher": "Example Wire",
        "published_on": published.isoformat(),
        "language": "en",
    }
    response = client.post(url, {**data, "create": "1", "candidate": [str(index)]})
    assert response.status_code == 302
    event = Event.objects.get(citations__source__url=data["url"])
    assert event.status == "scheduled" and event.publication == "draft"

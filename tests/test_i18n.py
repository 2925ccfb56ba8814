"""Korean and English: pages, switch links, alternates, content fallback, search, aliases, API."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from timeline.models import Actor, Event
from timeline.selectors.search import korean_stem, search_events

SUMMIT = "2018-06-12-singapore-summit"
PAGES = ["/{lang}/", f"/{{lang}}/events/{SUMMIT}/", "/{lang}/actors/kim-jong-un/", "/{lang}/about/",
         "/{lang}/actors/"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("template", PAGES)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_public_page_renders_in_both_languages(client, curated, template, lang):
    response = client.get(template.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    for other in ("en", "ko"):
        assert re.search(
            rf'<link rel="alternate" hreflang="{other}" href="http://testserver/{other}/', html
        )
    assert 'hreflang="x-default"' in html
    assert f'<link rel="canonical" href="http://testserver/{lang}/' in html


@pytest.mark.django_db
def test_korean_page_is_korean(client, curated):
    html = client.get(f"/ko/events/{SUMMIT}/").content.decode()
    event = Event.objects.get(slug=SUMMIT)
    assert event.title_ko and event.title_ko in html
    assert "2018년 6월 12일" in html
    assert "싱가포르" in html  # the place and the country name in Korean
    assert "Who took part" not in html


@pytest.mark.django_db
def test_switch_links_keep_the_filters(client, curated):
    html = client.get("/en/?kind=summit&q=Hanoi").content.decode()
    assert 'href="/ko/?kind=summit&amp;q=Hanoi"' in html
    html = client.get("/ko/?kind=summit&q=Hanoi").content.decode()
    assert 'href="/en/?kind=summit&amp;q=Hanoi"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "target"),
    [("ko-KR,ko;q=0.9,en;q=0.8", "/ko/"), ("en-GB,en;q=0.9", "/en/"), ("", "/en/")],
)
def test_first_visit_follows_accept_language(client, curated, accept, target):
    response = client.get("/", headers={"accept-language": accept} if accept else {})
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
def test_missing_translation_falls_back_visibly(client, curated):
    event = Event.objects.get(slug=SUMMIT)
    event.title_ko = ""
    event.save()
    html = client.get(f"/ko/events/{SUMMIT}/").content.decode()
    assert f'<span lang="en">{event.title}</span>' in html
    assert 'class="fallback-label"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/ko/actors/김정은/",
        "/ko/actors/Kim%20Jong%20Un/",
        "/en/actors/金正恩/",
        "/en/actors/kim-jong-un-alias/",
    ],
)
def test_actor_aliases_redirect_permanently(client, curated, path):
    response = client.get(path + "?kind=summit")
    if path.endswith("-alias/"):
        assert response.status_code == 404
        return
    assert response.status_code == 301
    assert response["Location"].endswith("/actors/kim-jong-un/?kind=summit")


# (query, an event it must find); each query in Korean as a reader types it.
KOREAN_SEARCHES = [
    ("북한", "1991-09-17-koreas-join-un"),
    ("북한의", "1991-09-17-koreas-join-un"),
    ("평양", "1994-06-15-carter-visits-pyongyang"),
    ("정상회담", SUMMIT),
    ("북미 정상회담", SUMMIT),
    ("미사일", "2019-05-04-srbm-launch"),
    ("합동훈련", "2018-08-freedom-guardian-suspended"),
    ("싱가포르", SUMMIT),
    ("하노이", "2019-02-27-hanoi-summit"),
    ("판문점", "1994-06-15-carter-visits-pyongyang"),
    ("비핵화", "1991-12-18-roh-tae-woo-nuclear-free-declaration"),
    ("핵실험", "2006-10-09-first-nuclear-test"),
    ("6자회담", "2003-04-23-beijing-three-party-talks"),
    ("개성", "2003-06-30-kaesong-industrial-complex-groundbreaking"),
    ("금강산", "1998-11-18-mount-kumgang-tours-begin"),
    ("대륙간탄도미사일", "2017-07-04-hwasong-14-first-icbm"),
    ("김정은", SUMMIT),
    ("트럼프", SUMMIT),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "slug"), KOREAN_SEARCHES)
def test_korean_search_finds_korean_text(curated, query, slug):
    found = search_events(Event.objects.published(), query)
    assert found.filter(slug=slug).exists(), query
    assert found.count() < Event.objects.published().count()


@pytest.mark.django_db
def test_english_search_and_actor_in_either_language(curated):
    english = set(
        search_events(Event.objects.published(), "Singapore").values_list("slug", flat=True)
    )
    assert SUMMIT in english
    kim = Actor.objects.get(slug="kim-jong-un")
    for name in (kim.name, kim.name_ko or "김정은"):
        found = search_events(Event.objects.published(), name)
        assert found.filter(slug=SUMMIT).exists(), name


def test_korean_particles_come_off():
    assert korean_stem("북한의") == "북한"
    assert korean_stem("정상회담을") == "정상회담"
    assert korean_stem("회의") == "회의"  # one syllable would be left: kept whole


@pytest.mark.django_db
def test_api_lang_ko_returns_korean_with_english_available(client, curated):
    event = Event.objects.get(slug=SUMMIT)
    body = client.get(f"/api/v1/events/{SUMMIT}?lang=ko").json()
    assert body["language"] == "ko"
    assert body["title"] == event.title_ko
    assert body["translations"]["en"]["title"] == event.title
    assert body["date_display"] == "2018년 6월 12일"
    assert body["url"].startswith("/ko/")
    english = client.get(f"/api/v1/events/{SUMMIT}", headers={"accept-language": "ko"}).json()
    assert english["title"] == event.title and english["language"] == "en"
    listed = client.get("/api/v1/events?lang=ko&kind=summit&limit=2").json()
    assert all(item["language"] == "ko" for item in listed["items"])
    assert "lang=ko" in (listed["next_url"] or "lang=ko")
    assert client.get("/api/v1/events?lang=fr").status_code == 422
    exported = client.get("/api/v1/export/timelinejs.json?lang=ko&kind=summit")
    tjs = json.loads(b"".join(exported.streaming_content))
    assert any(e["display_date"] == "2018년 6월 12일" for e in tjs["events"])


@pytest.mark.django_db
def test_openapi_documents_lang(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/events"]["get"]["parameters"]
    assert any(p["name"] == "lang" for p in params)


def test_compiled_catalogues_match_their_sources():
    """Fails when a .po was changed without compiling it (see README: bin/compile-messages)."""
    for po_path in Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing"
        po = {
            (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
            for e in polib.pofile(str(po_path)).translated_entries()
            if "fuzzy" not in e.flags
        }
        mo = {
            (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
            for e in polib.mofile(str(mo_path))
            if e.msgid
        }
        assert po == mo, f"{mo_path} is out of date: run bin/compile-messages"


def test_korean_catalogue_is_complete():
    po = polib.pofile(str(Path(settings.BASE_DIR, "locale/ko/LC_MESSAGES/django.po")))
    missing = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert not missing, missing[:10]


@pytest.mark.django_db
def test_admin_speaks_korean_to_a_korean_editor(client, admin_user):
    from config.urls import ADMIN_URL

    client.force_login(admin_user)
    html = client.get(
        f"/{ADMIN_URL}", headers={"accept-language": "ko-KR,ko;q=0.9"}
    ).content.decode()
    assert '<html lang="ko"' in html
    assert "편집국" in html  # ours
    assert "로그아웃" in html  # Django's own admin catalogue
    html = client.get(
        f"/{ADMIN_URL}timeline/event/add/", headers={"accept-language": "ko"}
    ).content.decode()
    assert "제목 (한국어)" in html and 'name="title_ko"' in html


@pytest.mark.django_db
def test_curated_rejects_unknown_actor_columns(tmp_path):
    from timeline.curated import CuratedDataError, LoadReport, load_actors

    path = tmp_path / "actors.csv"
    path.write_text(
        "name,kind,country,aliases,parent,description,name_ko,nickname\nA B,person,KR,,,,에이,x\n",
        encoding="utf-8",
    )
    with pytest.raises(CuratedDataError, match="unknown column"):
        load_actors(path, LoadReport())


@pytest.mark.django_db
def test_curated_loads_korean_fields(curated):
    event = Event.objects.get(slug=SUMMIT)
    assert event.title_ko and event.summary_ko
    kim = Actor.objects.get(slug="kim-jong-un")
    # Without a name_ko the Hangul alias is the Korean name (not marked as a fallback).
    from timeline.translation import localized

    name = localized(kim, "name", language="ko")
    assert name.text == (kim.name_ko or "김정은") and not name.fallback


def test_the_stored_api_answers_come_in_both_languages(client, curated):
    from timeline.models import EventRendering
    from timeline.rendering import render_events

    event = Event.objects.get(slug="2018-06-12-singapore-summit")
    render_events([event.pk])
    stored = EventRendering.objects.get(event=event)
    assert bytes(stored.item_ko) and bytes(stored.detail_ko)
    korean = client.get(f"/api/v1/events/{event.slug}?lang=ko").json()
    english = client.get(f"/api/v1/events/{event.slug}").json()
    assert korean["title"] == event.title_ko and english["title"] == event.title
    listing = client.get("/api/v1/events?lang=ko&limit=20").json()["items"]
    hangul = re.compile(r"[\uac00-\ud7a3]")
    assert listing and all(hangul.search(item["title"]) for item in listing)

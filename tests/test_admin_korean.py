"""The editorial desk in Korean for an editor whose browser asks for Korean: field labels,
the desk's own words, the review diff and the history page's field names."""

import re

import pytest
from django.urls import reverse

from tests.test_admin import form_data, login, roles  # noqa: F401  (the roles fixture)
from timeline.models import Event, ProposedRevision

KOREAN = {"accept-language": "ko-KR,ko;q=0.9"}
SUMMIT = "2018-06-12-singapore-summit"


def label_of(html: str, field: str) -> str:
    found = re.search(rf'<label[^>]*for="id_{field}"[^>]*>([^<]*)</label>', html)
    assert found, f"no label for {field}"
    return found.group(1).strip()


@pytest.mark.django_db
def test_event_form_labels_are_korean(client, roles):  # noqa: F811
    login(client, roles["editor"])
    event = Event.objects.get(slug=SUMMIT)
    html = client.get(
        reverse("admin:timeline_event_change", args=[event.pk]), headers=KOREAN
    ).content.decode()
    labels = {
        field: label_of(html, field)
        for field in ("title", "title_ko", "kind", "status", "when", "start", "end", "precision")
    }
    assert labels == {
        "title": "제목:",
        "title_ko": "제목 (한국어):",
        "kind": "종류:",
        "status": "상태:",
        "when": "날짜:",
        "start": "시작일:",
        "end": "종료일:",
        "precision": "정밀도:",
    }
    assert ">장소</h2>" in html  # the "Where" fieldset
    assert '<option value="month">월</option>' in html  # precision choices
    assert "참여자" in html and "인용" in html  # the inlines' headings
    # The same page in English is untouched.
    html = client.get(reverse("admin:timeline_event_change", args=[event.pk])).content.decode()
    assert label_of(html, "title") == "Title:" and label_of(html, "start") == "Start:"


@pytest.mark.django_db
def test_changelist_and_desk_are_korean(client, roles):  # noqa: F811
    login(client, roles["reviewer"])
    html = client.get(reverse("admin:timeline_event_changelist"), headers=KOREAN).content.decode()
    for korean in (
        "기사에서 가져오기",
        "CSV 내보내기",
        "게시 상태",
        "AI 생성 출처",
        "선택한 사건 게시",
    ):
        assert korean in html, korean
    html = client.get(reverse("admin:index"), headers=KOREAN).content.decode()
    assert "확인 필요" in html and "최근 게시" in html and "한반도 외교 연표" in html


@pytest.mark.django_db
def test_review_diff_and_history_name_fields_in_korean(client, roles):  # noqa: F811
    event = Event.objects.get(slug=SUMMIT)
    login(client, roles["editor"])
    client.post(
        reverse("admin:timeline_event_change", args=[event.pk]),
        form_data(event, title="Trump and Kim meet in Singapore", kind="meeting"),
    )
    revision = ProposedRevision.objects.get(state="pending")
    login(client, roles["reviewer"])
    html = client.get(
        reverse("admin:timeline_proposedrevision_review", args=[revision.pk]), headers=KOREAN
    ).content.decode()
    assert '<th scope="row">제목</th>' in html and '<th scope="row">종류</th>' in html
    assert "<ins>Meeting</ins>" not in html and "<ins>회동</ins>" in html  # choices by label
    assert "이 수정을 승인하고 게시" in html and 'data-label="현재 게시본"' in html
    client.post(
        reverse("admin:timeline_proposedrevision_review", args=[revision.pk]), {"approve": "1"}
    )
    html = client.get(
        reverse("admin:timeline_event_history", args=[event.pk]), headers=KOREAN
    ).content.decode()
    assert "변경 이력" in html and '<th scope="col">변경 내용</th>' in html
    assert "<strong>제목:</strong>" in html and "<strong>종류:</strong>" in html
    assert "<strong>Title:</strong>" not in html and "<strong>title:</strong>" not in html
    assert (
        '<th scope="col">게시 상태</th>' in html and '<td data-label="게시 상태">공개</td>' in html
    )

"""Article text in, draft events out: the logic behind the admin's "Import from an article".

Each sentence that carries a date expression becomes a candidate: the date resolved against the
article's publication date (`parse_span`), a kind guessed from the words used, the actors named
in it (by name or alias, in any script), and the sentence itself as the quote to cite. Page
furniture (cookie banners, image captions, "reported by AI" labels) is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from timeline.dates import DateSpan, parse_span
from timeline.models import Actor, ActorKind, EventKind

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
QUALIFIER = r"(?:(?:early|mid|late)[- ])?"
ENGLISH_DATE = (
    rf"{QUALIFIER}(?:next|last|this) (?:week|month|year)"
    rf"|yesterday|today"
    rf"|(?:last |this |next )?{WEEKDAY}"
    rf"|{QUALIFIER}{MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:[-–]\d{{1,2}})?(?:, \d{{4}})?"
    rf"|\d{{1,2}}(?:[-–]\d{{1,2}})? {MONTH}(?: \d{{4}})?"
    rf"|{QUALIFIER}{MONTH} \d{{4}}"
    rf"|{QUALIFIER}(?:in )?{MONTH}(?!\s*\d)(?=[ ,.;']|$)"
    rf"|{QUALIFIER}\b(?:19|20)\d{{2}}\b"
)
WEEKDAY_ONLY = rf"(?:on )?{WEEKDAY}"
CJK_DATE = (
    r"(?:\d{4}\s*[年년]\s*)?\d{1,2}\s*[月월]\s*(?:\d{1,2}\s*[日일号])?"
    r"|(?:上|下|本)?(?:周|星期)[一二三四五六日天]"
)
RANGE = re.compile(
    rf"(?:from |between )?(?P<a>{ENGLISH_DATE})(?: to | and |[–-]| until | through )"
    rf"(?P<b>{ENGLISH_DATE})",
    re.I,
)
SINGLE = re.compile(rf"(?<![\w-])(?:{ENGLISH_DATE})(?![\w])|{CJK_DATE}", re.I)
CJK_WEEKDAYS = {
    "一": "Monday",
    "二": "Tuesday",
    "三": "Wednesday",
    "四": "Thursday",
    "五": "Friday",
    "六": "Saturday",
    "日": "Sunday",
    "天": "Sunday",
}
# Relative clauses that date something else ("a day after the drills began").
QUALIFYING_PREFIX = re.compile(
    r"\b(?:a|one|two|three|\d+)\s+(?:day|days|week|weeks|month|months)\s+(?:after|before)\s*$",
    re.I,
)
FURNITURE = re.compile(
    r"cookie|privacy|privatliv|隐私|genereret af AI|Rapporteret af AI|Reported by AI"
    r"|AI[- ]generated image|AI 生成|由 AI 报道|Relaterede artikler|Hvad folk siger"
    r"|Related articles"
    r"|What people are saying|人们在说什么|相关文章|Initial reactions on X|^Afvis|^拒绝|^Reject",
    re.I,
)
# "These statements were reported on February 27, 2026": the article's own date, not an event.
REPORTED_ON = re.compile(r"\b(?:was|were) (?:reported|published|updated) on\b", re.I)
ABBREVIATION_END = re.compile(
    r"(?:\b(?:U\.S|U\.N|U\.K|Mr|Mrs|Ms|Dr|St|No|Gen|Lt|Col|Sen|Rep|Gov|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|e\.g|i\.e)\.|\b[A-Z]\.)$"
)
KIND_WORDS: list[tuple[str, str]] = [
    (EventKind.PARTY_CONGRESS, r"congress|plenum|plenary|대회|代表大会"),
    (EventKind.NUCLEAR_TEST, r"nuclear test|핵실험|核试验"),
    (EventKind.MISSILE_TEST, r"missile|ballistic|fired|launch|미사일|导弹"),
    (EventKind.BRIEFING, r"briefing|press conference|브리핑|简报"),
    (EventKind.MILITARY_DRILL, r"drill|exercise|훈련|演习"),
    (EventKind.SUMMIT, r"summit|정상회담|峰会"),
    (EventKind.SANCTIONS, r"sanction|제재|制裁"),
    (EventKind.PROPOSAL, r"propos|제안|提议|提出"),
    (EventKind.TALKS, r"\btalks\b|negotiat|consultation|dialogue session|회담|磋商|会谈"),
    (EventKind.VISIT, r"visit|trip to|travel|방문|访问|访华"),
    (EventKind.INTERVIEW, r"interview|인터뷰|采访"),
    (EventKind.ELECTION, r"election|elected|선거|选举"),
    (EventKind.PROTEST, r"protest|rally|demonstrat|시위|抗议"),
    (EventKind.MEETING, r"\bmet\b|meeting|meet\b|회동|会晤|会见"),
    (
        EventKind.STATEMENT,
        r"stated|said|says|statement|vowed|denounced|announced|told|declared|warned|pledged"
        r"|dismissed|signaled|signalled|responded|demand|발표|밝혔|表示|声明|驳斥|称",
    ),
]


@dataclass
class Candidate:
    span: DateSpan
    kind: str
    actors: list[Actor]
    sentence: str
    title: str
    date_text: str = ""
    location_hint: str = ""
    notes: list[str] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Sentences of the article's body, page furniture left out."""
    sentences: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or FURNITURE.search(line) or REPORTED_ON.search(line):
            continue
        pieces = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘'(])|(?<=[。！？])", line)
        merged: list[str] = []
        for piece in pieces:
            if merged and ABBREVIATION_END.search(merged[-1]):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        for sentence in merged:
            sentence = sentence.strip()
            is_cjk = bool(re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", sentence))
            if (is_cjk and len(sentence) >= 8) or len(sentence.split()) >= 6:
                sentences.append(sentence)
    return sentences


def guess_kind(sentence: str) -> str:
    for kind, pattern in KIND_WORDS:
        if re.search(pattern, sentence, re.I):
            return kind
    return EventKind.OTHER


class ActorMatcher:
    """Finds actors named in a sentence by name, alias or an unambiguous surname."""

    def __init__(self, actors: list[Actor]) -> None:
        self.patterns: list[tuple[re.Pattern, Actor]] = []
        surnames: dict[str, list[Actor]] = {}
        for actor in actors:
            for spelling in [actor.name, *actor.aliases]:
                if pattern := self.pattern_for(spelling):
                    self.patterns.append((pattern, actor))
            if actor.kind == ActorKind.PERSON:
                tokens = actor.name.split()
                surname = tokens[0] if actor.country in ("KR", "KP", "CN") else tokens[-1]
                if len(surname) >= 4:
                    surnames.setdefault(surname, []).append(actor)
        for surname, owners in surnames.items():
            if len(owners) == 1 and (pattern := self.pattern_for(surname)):
                self.patterns.append((pattern, owners[0]))

    @staticmethod
    def pattern_for(spelling: str) -> re.Pattern | None:
        spelling = spelling.strip()
        if re.search(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]", spelling):
            return re.compile(re.escape(spelling)) if len(spelling) >= 2 else None
        if len(spelling) < 2:
            return None
        # Acronyms ("UN", "US") only in capitals, and never the "-un" of "Jong-un".
        flags = 0 if spelling.isupper() and len(spelling) <= 5 else re.I
        return re.compile(rf"(?<![\w.\-]){re.escape(spelling)}(?![\w])", flags)

    def find(self, sentence: str) -> list[Actor]:
        found: dict[int, tuple[int, Actor]] = {}
        for pattern, actor in self.patterns:
            match = pattern.search(sentence)
            if match and (actor.pk not in found or match.start() < found[actor.pk][0]):
                found[actor.pk] = (match.start(), actor)
        return [actor for _, actor in sorted(found.values(), key=lambda item: item[0])]


def date_expressions(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each date expression, ranges joined, qualifying clauses left out."""
    taken: list[tuple[int, int, str]] = []
    for match in RANGE.finditer(sentence):
        taken.append((match.start(), match.end(), match.group(0)))
    for match in SINGLE.finditer(sentence):
        if any(start <= match.start() < end for start, end, _ in taken):
            continue
        taken.append((match.start(), match.end(), match.group(0)))
    kept = []
    for start, end, text in sorted(taken):
        if QUALIFYING_PREFIX.search(sentence[:start]):
            continue
        month = re.search(MONTH, text, re.I)
        if month and month.group(0)[0].islower():
            continue  # "may", "march": verbs, not months
        kept.append((start, end, text.strip()))
    # "Dec. 19 (Yonhap) -- … vowed Friday": the weekday names the day the date already gives.
    if any(re.search(r"\d", text) for _, _, text in kept):
        kept = [item for item in kept if not re.fullmatch(WEEKDAY_ONLY, item[2], re.I)]
    return kept


def normalise_expression(text: str) -> str:
    text = re.sub(r"^in ", "", text, flags=re.I)
    cjk_weekday = re.match(r"^(上|下|本)?(?:周|星期)([一二三四五六日天])$", text)
    if cjk_weekday:
        prefix = {"上": "last ", "下": "next ", "本": "this "}.get(cjk_weekday.group(1) or "", "")
        return prefix + CJK_WEEKDAYS[cjk_weekday.group(2)]
    return text


def suggest_title(sentence: str, *, segment: str | None = None) -> str:
    text = segment or sentence
    text = re.sub(r"^(?:SEOUL|BEIJING|PYONGYANG|TOKYO|WASHINGTON),[^-–—]*[-–—]+\s*", "", text)
    text = re.sub(r"^(?:On|In|From|Between) [^,]{1,40}(?:, \d{4})?, ", "", text)
    words = text.split()
    title = " ".join(words[:14]).rstrip(",;:.")
    if len(words) > 14:
        title += "…"
    return title[:1].upper() + title[1:]


def segment_around(sentence: str, start: int, end: int) -> str:
    """The comma-separated part of a sentence listing several dated events."""
    left = max(sentence.rfind(",", 0, start), sentence.rfind(" and ", 0, start))
    right_candidates = [
        i for i in (sentence.find(",", end), sentence.find(" and ", end)) if i != -1
    ]
    right = min(right_candidates) if right_candidates else len(sentence)
    return sentence[left + 1 if left != -1 else 0 : right].strip(" ,.")


def propose_events(
    text: str,
    *,
    published_on: date | None = None,
    language: str | None = None,
) -> list[Candidate]:
    """Candidate events for the sentences of `text` that carry a date expression."""
    base = published_on or date.today()
    languages = [language] if language else None
    matcher = ActorMatcher(list(Actor.objects.all()))
    candidates: list[Candidate] = []
    seen: set[tuple[str, date, date]] = set()
    for sentence in split_sentences(text):
        expressions = date_expressions(sentence)
        several = len(expressions) > 1
        for start, end, expression in expressions:
            span = parse_span(normalise_expression(expression), base=base, languages=languages)
            if span is None:
                span = parse_span(normalise_expression(expression), base=base)
            if span is None:
                continue
            key = (sentence, span.start, span.end)
            if key in seen:
                continue
            seen.add(key)
            segment = segment_around(sentence, start, end) if several else None
            candidates.append(
                Candidate(
                    span=span,
                    kind=guess_kind(sentence),
                    actors=matcher.find(segment or sentence) or matcher.find(sentence),
                    sentence=sentence,
                    title=suggest_title(sentence, segment=segment),
                    date_text=expression,
                )
            )
    return candidates

"""Article text in, draft events out: the logic behind the admin's "Import from an article".

News is read as news. A dateline ("SEOUL, March 4 (Yonhap) --", "(서울=연합뉴스) 홍길동 기자 =")
is the day the report was filed: it is never an event's date, but the day the article's own
"on Tuesday" or "12일" is read against. In each sentence every date expression is attached to the
verb it dates ("fired … on Tuesday", "is expected to visit … in late April", "12일 … 발사했다");
each dated verb is one event, with its kind from that verb, its status from the words around it
("will", "is expected to", "예정") and a headline-style title (subject, verb, object). Attribution
("…, officials said on Monday", "…다고 밝혔다") gives no event of its own when the sentence
reports another. Page furniture (cookie banners, image captions, "reported by AI" labels) is
skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from timeline.dates import DateSpan, parse_span
from timeline.models import Actor, ActorKind, EventKind, EventStatus

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
# Korean news dates: "지난해 11월", "올해 11월 초", "다음 달 말", "오는 15일", "지난 화요일".
KO_YEAR_WORD = r"(?:재작년|지난해|작년|올해|금년|내년|올)"
KO_MONTH_WORD = r"(?:지난\s?달|이번\s?달|이달|다음\s?달|내달)"
KO_QUALIFIER = r"(?:\s*(?:초순|중순|하순|상반기|하반기|초|중반|말)(?![가-힣]))?"
KO_DAYS = r"\d{1,2}(?:\s*~\s*\d{1,2})?\s*일(?!간|째|부|동안)"
KOREAN_DATE = (
    rf"(?<![\d가-힣])(?:\d{{4}}\s*년|{KO_YEAR_WORD})(?:\s*\d{{1,2}}\s*월(?:\s*{KO_DAYS})?)?"
    rf"{KO_QUALIFIER}"
    rf"|(?<![가-힣]){KO_MONTH_WORD}(?:\s*{KO_DAYS})?{KO_QUALIFIER}"
    rf"|(?<![\d가-힣])\d{{1,2}}\s*월(?:\s*{KO_DAYS})?{KO_QUALIFIER}"
    r"|(?<![가-힣])(?:(?:지난\s?주|이번\s?주|다음\s?주)\s*)?(?:(?:지난|오는|이번)\s*)?"
    r"[월화수목금토일]요일"
    r"|(?<![가-힣])(?:지난\s?주|이번\s?주|다음\s?주)"
    rf"|(?<![\d가-힣])(?:(?:지난|오는|이번)\s*)?{KO_DAYS}"
    r"|(?<![가-힣])(?:어제|전날|이날)(?![가-힣]{2})"
)
RANGE = re.compile(
    rf"(?:from |between )?(?P<a>{ENGLISH_DATE})(?: to | and |[–-]| until | through )"
    rf"(?P<b>{ENGLISH_DATE})",
    re.I,
)
SINGLE = re.compile(rf"(?<![\w-])(?:{ENGLISH_DATE})(?![\w])|{KOREAN_DATE}|{CJK_DATE}", re.I)
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
    r"|What people are saying|人们在说什么|相关文章|Initial reactions on X|^Afvis|^拒绝|^Reject"
    r"|무단\s?전재|재배포\s?금지|저작권자",
    re.I,
)
# "These statements were reported on February 27, 2026": the article's own date, not an event.
REPORTED_ON = re.compile(r"\b(?:was|were) (?:reported|published|updated) on\b", re.I)
ABBREVIATION_END = re.compile(
    r"(?:\b(?:U\.S|U\.N|U\.K|Mr|Mrs|Ms|Dr|St|No|Gen|Lt|Col|Sen|Rep|Gov|Jan|Feb|Mar|Apr|Jun|Jul"
    r"|Aug|Sep|Sept|Oct|Nov|Dec|vs|etc|e\.g|i\.e)\.|\b[A-Z]\.)$"
)
# "SEOUL, March 4 (Yonhap) --", "WASHINGTON, Dec. 19 --", "UNITED NATIONS, Jan. 5 (AP) —".
DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'\- ]+(?:, [A-Z][A-Za-z.]+)?),\s+(?P<date>{MONTH}\s+\d{{1,2}}"
    r"(?:,\s+\d{4})?)\s*(?:\([^)]{1,40}\)\s*)?(?:--|—|–|-)\s*"
)
# "【서울=연합뉴스】 홍길동 기자 =", "(서울=연합뉴스) 홍길동 김영희 기자 =": place, agency, no date.
KOREAN_DATELINE = re.compile(
    r"^(?:【[^】]{1,40}】|\([^)]{1,40}=[^)]{1,40}\)|\[[^\]]{1,40}=[^\]]{1,40}\])\s*"
    r"(?:(?:[가-힣]{2,4}\s+){1,3}(?:기자|특파원)\s*=?\s*)?"
)
HANGUL = re.compile(r"[\uac00-\ud7af]")
CJK_TEXT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")

# Verbs that say what happened, in the order they win when two start at the same place. A date
# belongs to the verb it dates; the kind is that verb's, not the first noun the sentence names.
ENGLISH_VERBS: list[tuple[str, str]] = [
    (
        EventKind.MILITARY_DRILL,
        r"\b(?:began|begin|begins|start(?:ed|s)?|kick(?:ed|s)? off|launch(?:ed|es)?"
        r"|stag(?:ed|es|e)|conduct(?:ed|s)?|hold|holds|held|wrap(?:ped|s)? up|resum(?:ed|es|e))"
        r"\s+(?:[\w'-]+\s+){0,4}(?:drills?|exercises?|manoeuvres|maneuvers|war games)\b",
    ),
    (
        EventKind.PARTY_CONGRESS,
        r"\b(?:hold|holds|held|convene[ds]?|open(?:ed|s)?)\s+(?:[\w'-]+\s+){0,3}"
        r"(?:congress|plenum|plenary meeting)\b",
    ),
    (
        EventKind.NUCLEAR_TEST,
        r"\b(?:conduct(?:ed|s)?|carr(?:ied|y|ies) out)\s+(?:[\w'-]+\s+){0,2}nuclear test\b",
    ),
    (
        EventKind.SUMMIT,
        r"\b(?:held|hold|holds|hosted|host|hosts)\s+(?:[\w'-]+\s+){0,2}summit\b",
    ),
    (EventKind.TALKS, r"\b(?:held|hold|holds|resumed|resume|resumes)\s+(?:[\w'-]+\s+){0,2}talks\b"),
    (
        EventKind.SANCTIONS,
        r"\b(?:imposed|impose|imposes|slapped)\s+(?:[\w'-]+\s+){0,3}sanctions\b|\bsanctioned\b",
    ),
    (
        EventKind.MISSILE_TEST,
        r"\b(?:fired|fires|fire|test-fired|test-fires|launched|launches|launch|test-launched)\b",
    ),
    (EventKind.MEETING, r"\b(?:met|meet|meets)\b"),
    (
        EventKind.VISIT,
        r"\b(?:visit|visits|visited|travel(?:led|ed|s)? to|travel to|arrived in|arrives in"
        r"|arrive in|tour(?:ed|s)?)\b",
    ),
    (EventKind.PROPOSAL, r"\b(?:proposed|proposes|propose|offered|offers)\b"),
    (EventKind.AGREEMENT, r"\b(?:signed|signs|agreed|agrees)\b"),
    (EventKind.BRIEFING, r"\b(?:briefed|briefs)\b"),
    (
        EventKind.STATEMENT,
        r"\b(?:said|says|warned|warns|stated|states|told|tells|vowed|vows|denounced|denounces"
        r"|announced|announces|declared|declares|pledged|pledges|condemned|condemns"
        r"|criticized|criticised|criticizes|urged|urges|accused|accuses|claimed|claims"
        r"|threatened|threatens|insisted|insists|added|responded|dismissed|dismisses"
        r"|called on|called for|reported)\b",
    ),
]
KOREAN_VERBS: list[tuple[str, str]] = [
    (EventKind.MILITARY_DRILL, r"(?:훈련|연습)(?:을|를|에)?\s*(?:시작|개시|돌입|실시|진행|착수)"),
    (EventKind.NUCLEAR_TEST, r"핵실험"),
    (EventKind.MISSILE_TEST, r"발사"),
    (EventKind.SUMMIT, r"정상회담"),
    (EventKind.TALKS, r"회담|협상"),
    (EventKind.MEETING, r"만났|만난다|만날|회동|접견"),
    (EventKind.VISIT, r"방문|방한|방북|방미|방중|방일"),
    (EventKind.SANCTIONS, r"제재(?:를|에)?\s*(?:부과|발표|단행)"),
    (EventKind.PROPOSAL, r"제안"),
    (EventKind.AGREEMENT, r"합의|서명"),
    (
        EventKind.STATEMENT,
        r"밝혔|말했|경고했|경고할|강조했|비난했|비판했|주장했|발표했|촉구했|전했|언급했|위협했",
    ),
]
# Verbs that only say who told the reporter: no event of their own beside another one.
ATTRIBUTION = re.compile(r"^(?:said|says|told|added|reported|밝혔|말했|전했)$", re.I)
SCHEDULED_BEFORE = re.compile(
    r"\b(?:will|(?:is|are|was|were) (?:expected|scheduled|set|due|slated|poised) to"
    r"|plans? to|planned to|intends? to|aims? to|(?:is|are) to|(?:is|are) planning to)"
    r"\s+(?:\w+\s+)?$",
    re.I,
)
SPECULATED_BEFORE = re.compile(r"\b(?:could|may|might)\s+(?:\w+\s+)?$", re.I)
SCHEDULED_AFTER_KO = re.compile(
    r"^\S*(?:\s+\S+)?\s*(?:예정|계획|것으로\s*(?:예상|전망|알려|보인|관측)|방침)"
    r"|^\S*(?:기로|키로)|^(?:한다|된다|는다|간다|온다)"
)
SPECULATED_AFTER_KO = re.compile(r"^\S*\s*(?:가능성|수\s*있)")
FUTURE_WORDS = re.compile(
    r"\b(?:later this (?:year|month|week)|next (?:year|month|week)|upcoming"
    r"|in the coming (?:days|weeks|months))\b|오는|다음\s?달|내달|내년|연내|올해\s?(?:안|중)",
    re.I,
)
PAST_TENSE = re.compile(
    r"(?:ed|said|told|met|held|began|sent|went|made|took|led|spoke|wrote|gave|brought|fought"
    r"|won|began)$|[했였었았났]",
    re.I,
)
# The verb as a headline writes it: present tense, "to visit" for what is planned.
HEADLINE_VERB = {
    "said": "says",
    "told": "tells",
    "met": "meets",
    "held": "holds",
    "began": "begins",
    "fired": "fires",
    "test-fired": "test-fires",
    "launched": "launches",
    "warned": "warns",
    "visited": "visits",
    "proposed": "proposes",
    "signed": "signs",
    "agreed": "agrees",
    "announced": "announces",
    "stated": "states",
    "vowed": "vows",
    "pledged": "pledges",
    "urged": "urges",
    "accused": "accuses",
    "claimed": "claims",
    "threatened": "threatens",
    "condemned": "condemns",
    "denounced": "denounces",
    "declared": "declares",
    "criticized": "criticizes",
    "criticised": "criticises",
    "dismissed": "dismisses",
    "responded": "responds",
    "offered": "offers",
    "imposed": "imposes",
    "conducted": "conducts",
    "staged": "stages",
    "started": "starts",
    "resumed": "resumes",
    "hosted": "hosts",
    "toured": "tours",
    "briefed": "briefs",
    "insisted": "insists",
    "added": "adds",
    "reported": "reports",
}
KOREAN_HEADLINE_VERB = {
    "밝혔": "밝혀",
    "말했": "말해",
    "전했": "전해",
    "만났": "회동",
    "만난다": "회동",
    "만날": "회동",
    "경고했": "경고",
    "경고할": "경고",
    "강조했": "강조",
    "비난했": "비난",
    "비판했": "비판",
    "주장했": "주장",
    "발표했": "발표",
    "촉구했": "촉구",
    "언급했": "언급",
    "위협했": "위협",
}
CLAUSE_BOUNDARY = re.compile(
    r",\s+|;\s+|\b(?:that|after|before|when|while|because|as|said|says)\s+|--\s*|—\s*", re.I
)
TITLE_STOP = re.compile(
    r"^(?:on|in|into|at|near|off|from|during|after|before|over|for|amid|while|following|as"
    r"|since|with|without|according|which|who|when|where|toward|towards|across|to|by|but"
    r"|and|that|because|despite|under)$",
    re.I,
)
KO_PARTICLE_END = re.compile(r"(?:은|는|이|가|을|를|에|의|로|고|며|서|도)$")
# What a date leaves behind in a Korean sentence once it is taken out ("11월에도" -> "에도").
KO_PARTICLE_ONLY = re.compile(r"^(?:에|에도|에는|에서|부터|까지|께|쯤|경|중|의|엔)+$")
KO_ADVERBIAL = re.compile(r"(?:으로|로|에서|에게|에|께|부터|까지|간|와|과|및|등)$")

# Nouns, for a sentence whose dates have no verb to belong to.
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
    status: str = EventStatus.OCCURRED


def split_sentences(text: str) -> list[str]:
    """Sentences of the article's body, page furniture left out (datelines kept)."""
    return [sentence for sentence, _ in _article_sentences(text, published_on=None)]


def _article_sentences(text: str, *, published_on: date | None) -> list[tuple[str, date | None]]:
    """(sentence, the day its relative dates are read against) for each sentence. A dateline
    sets that day for the rest of the article; `published_on` is used until one does."""
    base = published_on
    sentences: list[tuple[str, date | None]] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or FURNITURE.search(line) or REPORTED_ON.search(line):
            continue
        if match := DATELINE.match(line):
            # Filed on or before publication: "Dec. 19" in a January paper is last December's.
            filed = parse_span(
                match.group("date"), base=published_on or date.today(), direction="past"
            )
            if filed is not None:
                base = filed.start
        for sentence in _line_sentences(line):
            sentences.append((sentence, base))
    return sentences


def _line_sentences(line: str) -> list[str]:
    pieces = re.split(
        r"(?<=[.!?])\s+(?=[A-Z\"“‘'(\uac00-\ud7af【\[])|(?<=[。！？])|(?<=다\.)(?=[\"“‘'(【\[])",
        line,
    )
    merged: list[str] = []
    for piece in pieces:
        if merged and ABBREVIATION_END.search(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    sentences = []
    for sentence in merged:
        sentence = sentence.strip()
        is_cjk = bool(CJK_TEXT.search(sentence))
        if (is_cjk and len(sentence) >= 8) or len(sentence.split()) >= 6:
            sentences.append(sentence)
    return sentences


def strip_dateline(sentence: str) -> str:
    """The sentence without the place, date and agency the report was filed under."""
    for pattern in (DATELINE, KOREAN_DATELINE):
        if match := pattern.match(sentence):
            return sentence[match.end() :].strip()
    return sentence


def guess_kind(sentence: str) -> str:
    """The kind of event a sentence reports: from its main verb, else from the nouns it uses."""
    verbs = find_verbs(sentence)
    if verbs:
        return verbs[0].kind
    return _kind_from_nouns(sentence)


def _kind_from_nouns(text: str) -> str:
    for kind, pattern in KIND_WORDS:
        if re.search(pattern, text, re.I):
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
        if CJK_TEXT.search(spelling):
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
        if not match.group(0).strip():
            continue
        if any(start <= match.start() < end for start, end, _ in taken):
            continue
        taken.append((match.start(), match.end(), match.group(0)))
    kept = []
    for start, _end, text in sorted(taken):
        if QUALIFYING_PREFIX.search(sentence[:start]):
            continue
        month = re.search(MONTH, text, re.I)
        if month and month.group(0)[0].islower() and not HANGUL.search(text):
            continue  # "may", "march": verbs, not months
        stripped = text.strip()
        kept.append((start, start + len(text.rstrip()), stripped))
    # "this week's talks": the date describes a noun, not when something happened.
    kept = [item for item in kept if not re.match(r"['’]s\b", sentence[item[1] :])]
    # "Dec. 19 … vowed Friday": the weekday names the day the date already gives.
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


@dataclass(frozen=True)
class Verb:
    start: int
    end: int
    kind: str
    text: str
    korean: bool


def find_verbs(sentence: str) -> list[Verb]:
    """The verbs that say what happened, in sentence order; overlapping matches keep the
    longer one ("began their annual drills" over "began")."""
    korean = bool(HANGUL.search(sentence))
    table = KOREAN_VERBS if korean else ENGLISH_VERBS
    found: list[Verb] = []
    for kind, pattern in table:
        for match in re.finditer(pattern, sentence, 0 if korean else re.I):
            found.append(Verb(match.start(), match.end(), kind, match.group(0), korean))
    if not korean:  # "a visit", "Trump's April visit", "the launch": nouns, not what happened
        found = [v for v in found if not _used_as_noun(sentence, v)]
    found.sort(key=lambda v: (v.start, -(v.end - v.start)))
    kept: list[Verb] = []
    for verb in found:
        if kept and verb.start < kept[-1].end:
            continue
        kept.append(verb)
    return kept


NOUN_LIKE = re.compile(
    r"^(?:visit|visits|launch|launches|fire|travel|tour|offers|claims|meet)$", re.I
)
DETERMINER_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|his|her|its|their|our|this|that|planned|first|second)|'s)\s+"
    r"(?:[\w-]+\s+){0,2}$",
    re.I,
)


def _used_as_noun(sentence: str, verb: Verb) -> bool:
    if not NOUN_LIKE.match(verb.text):
        return False
    return bool(DETERMINER_BEFORE.search(sentence[: verb.start]))


def _attach(verbs: list[Verb], start: int, end: int, *, korean: bool) -> Verb | None:
    """The verb a date expression dates: in English the nearest before it (else after); in
    Korean, where the verb comes last, the nearest after it (else before)."""
    before = [v for v in verbs if v.end <= start]
    after = [v for v in verbs if v.start >= end]
    if korean:
        return after[0] if after else (before[-1] if before else None)
    return before[-1] if before else (after[0] if after else None)


SCHEDULED_ANYWHERE = re.compile(
    r"\b(?:will|(?:is|are) (?:expected|scheduled|set|due|slated) to|plans? to|intends? to)\b"
    r"|예정|계획",
    re.I,
)


def _status(sentence: str, verb: Verb | None) -> str:
    if verb is None:  # "The summit is expected to take place …": the sentence's own words
        scheduled = SCHEDULED_ANYWHERE.search(sentence)
        return EventStatus.SCHEDULED if scheduled else EventStatus.OCCURRED
    if verb.korean:
        after = sentence[verb.end :]
        if SCHEDULED_AFTER_KO.search(after):
            return EventStatus.SCHEDULED
        if SPECULATED_AFTER_KO.search(after):
            return EventStatus.SPECULATED
        return EventStatus.OCCURRED
    before = sentence[: verb.start]
    if SCHEDULED_BEFORE.search(before):
        return EventStatus.SCHEDULED
    if SPECULATED_BEFORE.search(before):
        return EventStatus.SPECULATED
    return EventStatus.OCCURRED


def _direction(sentence: str, verb: Verb | None, status: str) -> str:
    """Where a year-less date lies from the article's date, as the text tells it."""
    if status in (EventStatus.SCHEDULED, EventStatus.SPECULATED):
        return "future"
    word = verb.text.split()[0] if verb and not verb.korean else ""
    if verb and verb.korean:
        word = re.match(r"\S*", sentence[verb.start :]).group(0)
    if word and PAST_TENSE.search(word):
        return "past"
    if FUTURE_WORDS.search(sentence):
        return "future"
    return "nearest"


DATE_LEAD = re.compile(
    r"(?:\b(?:possibly|probably|perhaps|as early as|as soon as|sometime|again)\s+)?"
    r"\b(?:on|in|from|between|during|since|by|until|later|earlier|of|at|around|before)\s+$",
    re.I,
)


def english_title(sentence: str, verb: Verb, status: str, dates: list[tuple[int, int]]) -> str:
    """Subject, verb, object, as a headline: "North Korea fires two short-range missiles"."""
    # The subject: from the start of the verb's clause to the verb, modal words left out.
    head = sentence[: verb.start]
    clause_start = max((m.end() for m in re.finditer(CLAUSE_BOUNDARY, head)), default=0)
    if not head[clause_start:].strip() and clause_start:
        # "The envoy, Jeong Yeon-doo, visited": the name set off by commas is the subject.
        clause_start = head.rstrip(" ,").rfind(",") + 1
    subject = _without_dates(head[clause_start:], dates, offset=clause_start)
    subject = re.sub(SCHEDULED_BEFORE.pattern, "", subject, flags=re.I)
    subject = re.sub(SPECULATED_BEFORE.pattern, "", subject, flags=re.I)
    subject = re.sub(r"\b(?:has|have|had|also|then|now|on|in|reportedly)\s*$", "", subject.strip())
    subject = re.sub(r"^(?:On|In|Earlier|Later|Meanwhile|Also)\b\s*", "", subject.strip())
    subject_words = subject.strip(" ,").split()[-6:]
    # The verb, in the headline's present tense ("to visit" for a plan).
    words = verb.text.split()
    if status == EventStatus.SCHEDULED:
        words[0] = "to " + _base_form(words[0])
    elif status == EventStatus.SPECULATED:
        modal = SPECULATED_BEFORE.search(head).group(0).split()[0].lower()
        words[0] = f"{modal} {_base_form(words[0])}"
    elif _plural(subject_words):
        words[0] = _base_form(HEADLINE_VERB.get(words[0].lower(), words[0]))
    else:
        words[0] = HEADLINE_VERB.get(words[0].lower(), words[0])
    # The object: what follows the verb up to a preposition, a date or a clause's end.
    tail = _without_dates(sentence[verb.end :], dates, offset=verb.end)
    object_words: list[str] = []
    said = None
    if verb.kind == EventKind.STATEMENT:
        # "stated in Seoul that all options remain open": what was said, not where.
        said = re.match(r"^(?:[^,;]{0,40}?\s)?that\s+", tail.strip(), flags=re.I)
        tail = tail.strip()[said.end() :] if said else tail
    for word in tail.split():
        bare = word.strip(",;:.\"“”'")
        if not bare or (TITLE_STOP.match(bare) and not said):
            break
        if object_words and word[0] in "\"“'‘(":
            break  # a quotation is the article's to give, not the headline's
        object_words.append(bare)
        abbreviation = re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?\.?", word)
        ends_clause = word != bare and word[-1] in ',;:."”' and not abbreviation
        if abbreviation:
            object_words[-1] = word.rstrip(",;:")
        if ends_clause or len(object_words) >= 8:
            break
    while object_words and TITLE_STOP.match(object_words[-1]):
        object_words.pop()
    title = " ".join([*subject_words, *words, *object_words]).strip(" ,;:.")
    title = re.sub(r"\s+", " ", title)
    return title[:1].upper() + title[1:]


def _plural(subject_words: list[str]) -> bool:
    """ "The allies", "Seoul and Washington": a headline says "begin", not "begins"."""
    if "and" in subject_words:
        return True
    last = subject_words[-1] if subject_words else ""
    return last.islower() and last.endswith("s") and not last.endswith(("'s", "ss", "us"))


def _base_form(word: str) -> str:
    lowered = word.lower()
    irregular = {"met": "meet", "held": "hold", "began": "begin", "said": "say", "told": "tell"}
    if lowered in irregular:
        return irregular[lowered]
    if lowered.endswith(("ies",)):
        return lowered[:-3] + "y"
    if lowered.endswith(("ches", "shes", "sses", "xes")):
        return lowered[:-2]
    if lowered.endswith("s") and not lowered.endswith("ss"):
        return lowered[:-1]
    return lowered


def _without_dates(text: str, dates: list[tuple[int, int]], *, offset: int) -> str:
    chars = list(text)
    for start, end in dates:
        for i in range(max(start - offset, 0), min(end - offset, len(chars))):
            chars[i] = " "
    cleaned = re.sub(r"\s+([,.;])", r"\1", "".join(chars))
    cleaned = re.sub(r"(^|,)\s*,", r"\1", cleaned)  # "On Tuesday, North Korea" -> "North Korea"
    return re.sub(r"\s+", " ", cleaned)


def date_spans_with_prepositions(
    sentence: str, expressions: list[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    """Where each date expression sits, with the word that introduces it ("on Tuesday",
    "later this year", "possibly in early November"), for titles written without dates."""
    spans = []
    for start, end, _ in expressions:
        if match := DATE_LEAD.search(sentence[:start]):
            start = match.start()
        spans.append((start, end))
    return spans


def korean_title(sentence: str, verb: Verb, status: str, dates: list[tuple[int, int]]) -> str:
    """A Korean headline: "북한, 단거리 탄도미사일 2발 발사", "이재명 대통령, 워싱턴 방문 예정"."""
    word_start = sentence.rfind(" ", 0, verb.start) + 1  # "연합연습을 시작": the whole word
    head = _without_dates(sentence[:word_start], dates, offset=0)
    tokens = [token for token in head.split() if not KO_PARTICLE_ONLY.match(token)]
    # The subject: the last phrase marked 은/는/이/가 before the verb, with its modifiers.
    subject: list[str] = []
    rest = tokens
    for i in range(len(tokens) - 1, -1, -1):
        if re.search(r"[가-힣]{2,}(?:이|가)$|[가-힣](?:은|는)$", tokens[i]):
            first = i
            while first > 0 and i - first < 3 and not KO_PARTICLE_END.search(tokens[first - 1]):
                first -= 1
            subject = [*tokens[first:i], tokens[i][:-1]]
            rest = tokens[i + 1 :]
            break
    object_tokens: list[str] = []
    for token in reversed(rest):
        if KO_ADVERBIAL.search(token) or re.search(r"(?:고|며|해|서)$", token):
            if object_tokens:
                break
            stripped = re.sub(r"(?:하겠다고|겠다고|하다고|다고|라고)$", "", token)
            if stripped != token and stripped:
                object_tokens.insert(0, stripped)
            continue
        object_tokens.insert(0, re.sub(r"(?:을|를|의)$", "", token))
        if len(object_tokens) >= 3:
            break
    phrase = sentence[word_start : verb.end]
    if verb.text in KOREAN_HEADLINE_VERB:
        noun = phrase[: len(phrase) - len(verb.text)] + KOREAN_HEADLINE_VERB[verb.text]
    else:
        noun = phrase
    noun = re.sub(r"(?:을|를|에)\s+", " ", noun)
    parts = [" ".join(object_tokens), noun]
    if status == EventStatus.SCHEDULED:
        parts.append("예정")
    predicate = " ".join(p for p in parts if p)
    subject_text = " ".join(subject)
    return f"{subject_text}, {predicate}" if subject_text else predicate


def suggest_title(sentence: str, *, segment: str | None = None) -> str:
    """A headline for a sentence (or one segment of it): its main verb with subject and object."""
    text = strip_dateline(segment or sentence)
    verbs = find_verbs(text)
    if not verbs:
        words = text.split()
        title = " ".join(words[:12]).rstrip(",;:.")
        return title[:1].upper() + title[1:]
    dates = [(start, end) for start, end, _ in date_expressions(text)]
    verb = verbs[0]
    status = _status(text, verb)
    if verb.korean:
        return korean_title(text, verb, status, dates)
    return english_title(text, verb, status, dates)


def propose_events(
    text: str,
    *,
    published_on: date | None = None,
    language: str | None = None,
) -> list[Candidate]:
    """Candidate events for the sentences of `text`: one per dated verb of each sentence."""
    languages = [language] if language else None
    matcher = ActorMatcher(list(Actor.objects.all()))
    candidates: list[Candidate] = []
    for original, sentence_base in _article_sentences(text, published_on=published_on):
        base = sentence_base or date.today()
        sentence = strip_dateline(original)
        korean = bool(HANGUL.search(sentence))
        verbs = find_verbs(sentence)
        expressions = date_expressions(sentence)
        dates = date_spans_with_prepositions(sentence, expressions)
        events: dict[Verb | None, list[tuple[DateSpan, str, int, int]]] = {}
        for start, end, expression in expressions:
            verb = _attach(verbs, start, end, korean=korean)
            status = _status(sentence, verb)
            direction = _direction(sentence, verb, status)
            normalised = normalise_expression(expression)
            span = parse_span(normalised, base=base, languages=languages, direction=direction)
            if span is None and languages:
                span = parse_span(normalised, base=base, direction=direction)
            if span is None:
                continue
            events.setdefault(verb, []).append((span, expression, start, end))
        # Attribution ("…, officials said on Monday") is no event beside the one it reports.
        if len(events) > 1:
            for verb in [v for v in events if v and ATTRIBUTION.match(v.text)]:
                if len(events) > 1:
                    del events[verb]
        for verb, readings in sorted(events.items(), key=lambda item: item[1][0][2]):
            status = _status(sentence, verb)
            if verb is None:
                kind, title = _kind_from_nouns(sentence), suggest_title(sentence)
            elif korean:
                kind, title = verb.kind, korean_title(sentence, verb, status, dates)
            else:
                kind, title = verb.kind, english_title(sentence, verb, status, dates)
            groups = _separate_events(readings)
            for span, expression, start, end in groups:
                segment_title = title
                if len(groups) > 1:  # "met … in Singapore in June 2018, in Hanoi in …"
                    segment_title = f"{title}{_place_in_segment(sentence, start, end)}"
                candidates.append(
                    Candidate(
                        span=span,
                        kind=kind,
                        actors=matcher.find(sentence),
                        sentence=sentence,
                        title=segment_title,
                        date_text=expression,
                        status=status,
                    )
                )
    return candidates


def _separate_events(
    readings: list[tuple[DateSpan, str, int, int]],
) -> list[tuple[DateSpan, str, int, int]]:
    """The dates one verb carries: nested ones ("this week", "on Tuesday") name one event, the
    narrowest; disjoint ones ("in June 2018, in February 2019") name one event each."""
    kept: list[tuple[DateSpan, str, int, int]] = []
    for reading in sorted(readings, key=lambda r: (r[0].end - r[0].start).days):
        if not any(reading[0].overlaps(other[0]) for other in kept):
            kept.append(reading)
    return sorted(kept, key=lambda r: r[2])


def _place_in_segment(sentence: str, start: int, end: int) -> str:
    """ " in Singapore" from the comma-separated segment around one date of a list."""
    segment = segment_around(sentence, start, end).replace(sentence[start:end], " ")
    place = re.search(r"\b(in|at)\s+((?:[A-Z][\w'-]+\s?){1,3})", segment)
    return f" {place.group(1)} {place.group(2).strip()}" if place else ""


def segment_around(sentence: str, start: int, end: int) -> str:
    """The comma-separated part of a sentence listing several dated events."""
    left = max(sentence.rfind(",", 0, start), sentence.rfind(" and ", 0, start))
    left = max(left, sentence.rfind(":", 0, start))
    right_candidates = [
        i for i in (sentence.find(",", end), sentence.find(" and ", end)) if i != -1
    ]
    right = min(right_candidates) if right_candidates else len(sentence)
    return sentence[left + 1 if left != -1 else 0 : right].strip(" ,.")

"""The benchmarks' synthetic record: it must load on the current schema (its constraints
included) and be searchable in both languages, or every figure in `make bench` is void."""

import pytest
from django.core.management import call_command

from timeline.models import Event, Source, SourceKind
from timeline.selectors.events import event_list
from timeline.selectors.params import TimelineFilter

pytestmark = pytest.mark.django_db


def test_seed_synthetic_writes_typed_sources_and_korean_text(curated):
    call_command("seed_synthetic", events=60, actors=12, verbosity=0)
    synthetic = Event.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 60
    assert not synthetic.filter(title_ko="").exists()
    assert not synthetic.filter(summary_ko="").exists()
    sources = Source.objects.filter(url__startswith="https://synthetic.invalid/")
    for source in sources:
        assert source.ai_generated == (source.kind == SourceKind.AI_GENERATED)
    sample = synthetic.filter(publication="published").exclude(location="").first()
    word = sample.title_ko.split()[-1]
    found = event_list(TimelineFilter(q=word)).filter(slug__startswith="synthetic-")
    assert sample in found

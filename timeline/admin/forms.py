"""The desk's forms: the event form with its When box and edit-conflict check, the actor form,
the article and CSV import forms, the reviewer's send-back form."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timeline.admin.widgets import WhenWidget, iso_date_input
from timeline.dates import parse_span
from timeline.ingest import Candidate
from timeline.models import Actor, Event, Publication
from timeline.selectors.editorial import (
    changes_since,
    cited_publication_date,
    stored_version,
)
from timeline.services.article_import import Article, CandidateChoice
from timeline.services.editorial import allowed_states

ARTICLE_MAX_CHARS = 20_000


class EventAdminForm(forms.ModelForm):
    when = forms.CharField(
        label=gettext_lazy("When"),
        required=False,
        widget=WhenWidget(),
        help_text=gettext_lazy(
            "Type the date as the source writes it. Start, end, precision and "
            "approximate are filled from it; you can still correct start and end."
        ),
    )
    when_base = forms.DateField(
        required=False,
        label=gettext_lazy("Read relative to"),
        help_text=gettext_lazy(
            "Relative dates (“on Thursday”, “late next month”) count from this day: "
            "the cited source's publication date, else today."
        ),
        widget=iso_date_input(),
    )
    loaded_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Event
        fields = [
            "title",
            "title_ko",
            "slug",
            "kind",
            "status",
            "when",
            "when_base",
            "start",
            "end",
            "precision",
            "approximate",
            "summary",
            "summary_ko",
            "body",
            "location",
            "location_ko",
            "country",
            "latitude",
            "longitude",
            "tags",
            "publication",
            "loaded_version",
        ]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        preview_url = reverse("admin:timeline_event_when_preview")
        self.fields["when"].widget.attrs["hx-get"] = preview_url
        # One date format in the form: native date inputs, ISO values.
        for name in ("start", "end"):
            self.fields[name].widget = iso_date_input()
        self.fields["when_base"].widget.attrs.update(
            {
                "hx-get": preview_url,
                "hx-trigger": "change",
                "hx-target": "#when-preview",
                "hx-include": "[name=when]",
            }
        )
        self.fields["start"].required = False
        self.fields["end"].required = False
        self.fields["precision"].required = False
        current = self.instance.publication if self.instance.pk else None
        if user is not None:
            allowed = allowed_states(user, current=current)
            self.fields["publication"].choices = [
                (value, label) for value, label in Publication.choices if value in allowed
            ]
        if self.instance.pk:
            self.fields["when"].initial = self.instance.date_text or self.instance.date_display
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["when_base"].initial = (
                cited_publication_date(event=self.instance) or date.today()
            )
        else:
            self.fields["when_base"].initial = date.today()

    def clean(self):
        cleaned = super().clean()
        self.check_version()
        when = (cleaned.get("when") or "").strip()
        when_changed = "when" in self.changed_data
        dates_changed = {"start", "end"} & set(self.changed_data)
        if when and (when_changed or not self.instance.pk) and not dates_changed:
            span = parse_span(when, base=cleaned.get("when_base") or date.today())
            if span is None:
                self.add_error(
                    "when",
                    _(
                        "“%(text)s” could not be read as a date. Try e.g. “12 June 2018”, "
                        "“June 2018”, “27–28 February 2019” or “late March to early April 2026”."
                    )
                    % {"text": when},
                )
                return cleaned
            cleaned.update(
                start=span.start,
                end=span.end,
                precision=span.precision.value,
                approximate=span.approximate,
                date_text=when,
            )
        elif when and when_changed:
            cleaned["date_text"] = when
        if not cleaned.get("start"):
            self.add_error("when", _("Give the date: type it in “When”, or fill start and end."))
            return cleaned
        cleaned["end"] = cleaned.get("end") or cleaned["start"]
        cleaned["precision"] = cleaned.get("precision") or "day"
        if cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned

    def check_version(self) -> None:
        if not self.instance.pk:
            return
        loaded = self.cleaned_data.get("loaded_version")
        current_version = stored_version(event_pk=self.instance.pk)
        if loaded is not None and current_version is not None and loaded != current_version:
            fresh = Event.objects.get(pk=self.instance.pk)
            raise ValidationError(
                _(
                    "Someone else saved this event after you opened it, so your changes were "
                    "not saved (nothing was overwritten). Changes made meanwhile: %(changes)s. "
                    "Reload the page to see the current version, then redo your edits."
                )
                % {"changes": "; ".join(changes_since(fresh, version=loaded))}
            )

    def _post_clean(self):
        # The model form copies cleaned_data onto the instance here; ours carries the
        # values read from "When".
        for name in ("start", "end", "precision", "approximate", "date_text"):
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


class ActorAdminForm(forms.ModelForm):
    aliases_text = forms.CharField(
        required=False,
        label=gettext_lazy("Aliases"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One per line: Hangul, Hanja, other romanisations."),
    )

    class Meta:
        model = Actor
        fields = [
            "name",
            "name_ko",
            "slug",
            "kind",
            "country",
            "aliases_text",
            "description",
            "description_ko",
            "parent",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["aliases_text"].initial = "\n".join(self.instance.aliases or [])

    def save(self, commit=True):
        lines = self.cleaned_data.get("aliases_text", "").splitlines()
        self.instance.aliases = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
        return super().save(commit=commit)


class ArticleForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=ARTICLE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        help_text=format_lazy(
            gettext_lazy(
                "Paste the article's text (at most {limit} characters: for a longer piece, "
                "paste the part that reports the events)."
            ),
            limit=f"{ARTICLE_MAX_CHARS:,}",
        ),
        error_messages={
            "max_length": gettext_lazy(
                "The text is %(show_value)s characters long; the limit is %(limit_value)s. "
                "Paste only the part that reports the events."
            )
        },
    )
    url = forms.URLField(label=gettext_lazy("Address (URL)"), required=False, assume_scheme="https")
    title = forms.CharField(
        label=gettext_lazy("Headline"),
        required=False,
        help_text=gettext_lazy("The article's headline."),
    )
    publisher = forms.CharField(label=gettext_lazy("Publisher"), required=False)
    published_on = forms.DateField(
        label=gettext_lazy("Published on"),
        required=False,
        help_text=gettext_lazy(
            "Relative dates in the text are read against this day (else today)."
        ),
        widget=iso_date_input(),
    )
    language = forms.CharField(
        label=gettext_lazy("Language"),
        required=False,
        max_length=35,
        help_text=gettext_lazy("BCP 47, e.g. en, ko."),
    )
    ai_generated = forms.BooleanField(
        required=False, label=gettext_lazy("The article was generated by AI")
    )

    def article(self) -> Article:
        data = self.cleaned_data
        return Article(
            url=data["url"] or "",
            title=data["title"] or "",
            publisher=data["publisher"] or "",
            published_on=data["published_on"],
            language=data["language"] or "",
            ai_generated=data["ai_generated"],
        )


def candidate_choices(
    post: QueryDict, *, candidates: Sequence[Candidate]
) -> dict[int, CandidateChoice]:
    """The ticked candidates (by index) with the title and kind the editor left in their row;
    a row the form did not send keeps the candidate's own."""
    ticked = set(post.getlist("candidate"))
    return {
        index: CandidateChoice(
            title=post.get(f"title-{index}", candidate.title),
            kind=post.get(f"kind-{index}", candidate.kind),
        )
        for index, candidate in enumerate(candidates)
        if str(index) in ticked
    }


class CsvImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file (CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment for the editor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Required to send back: what the editor should change."),
    )

"""The event form's date widgets and how the When box describes what it read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from timeline.dates import DateSpan, Precision
from timeline.translation import content_language

PRECISION_PHRASES = {
    Precision.DAY: gettext_lazy("day precision"),
    Precision.WEEK: gettext_lazy("week precision"),
    Precision.MONTH: gettext_lazy("month precision"),
    Precision.QUARTER: gettext_lazy("quarter precision"),
    Precision.YEAR: gettext_lazy("year precision"),
}


def stored_days(span: DateSpan) -> str:
    """The exact days a span stores, written out: "21 March – 10 April 2026"."""
    exact = DateSpan(start=span.start, end=span.end, precision=Precision.DAY)
    return exact.display(language=content_language())


def when_summary(span: DateSpan) -> str:
    """How a date was read and the exact span that will be stored, in the editor's language."""
    qualities = [str(PRECISION_PHRASES[span.precision])]
    if span.approximate:
        qualities.append(_("approximate"))
    exact = f"{stored_days(span)} ({', '.join(qualities)})"
    reading = span.display(language=content_language())
    return exact if reading == stored_days(span) else f"{reading}: {exact}"


def iso_date_input(**attrs) -> forms.DateInput:
    """A native date picker; its value is always ISO, whatever the browser's language."""
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", **attrs})


class WhenWidget(forms.TextInput):
    """A text box whose reading is previewed (htmx) as the editor types; the preview also
    fills start, end, precision and approximate (static/admin-desk/when.js). The form gives
    it the preview's address (`hx-get`, from reverse()), never a relative one."""

    template_name = "admin/timeline/when_widget.html"

    def __init__(self, **kwargs) -> None:
        attrs = {
            "size": 50,
            "placeholder": gettext_lazy(
                "e.g. late March to early April 2026, on Thursday, 2018년 6월 12일"
            ),
            "hx-trigger": "input changed delay:300ms, load",
            "hx-target": "#when-preview",
            "hx-include": "[name=when_base]",
            "autocomplete": "off",
        }
        super().__init__(attrs=attrs, **kwargs)

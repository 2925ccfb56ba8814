"""The year rail: events per year (per month when the range is short), each slot a link that
narrows the timeline to it. It is the timeline's navigator and its density chart at once."""

import calendar
from datetime import date

from django.utils.translation import gettext as _

from timeline.dates import MONTH_NAMES
from timeline.selectors.params import PAGE_SORT, TimelineFilter

MONTHLY_UP_TO_YEARS = 2
# Bars are drawn in twentieths of the rail's width; a small result is drawn against at least
# this many events, so that a single event is a short bar, not a full-width slab.
BAR_STEPS = 20
SMALLEST_SCALE = 10


def slot_bounds(slot: int | str) -> tuple[date, date]:
    if isinstance(slot, int):
        return date(slot, 1, 1), date(slot, 12, 31)
    year, month = int(slot[:4]), int(slot[5:])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def density_chart(years: list[dict], *, filters: TimelineFilter, months=None) -> dict:
    """Slots (label, short, count, width step, href, selected) for the rail, in page order."""
    chart = {"bars": [], "summary": "", "unit": "", "all_href": ""}
    if not years:
        return chart
    first, last = years[0]["value"], years[-1]["value"]
    if months and last - first + 1 <= MONTHLY_UP_TO_YEARS:
        counts = {row["value"]: row["count"] for row in months}
        slots = [f"{y:04d}-{m:02d}" for y in range(first, last + 1) for m in range(1, 13)]
        slots = [s for s in slots if min(counts) <= s <= max(counts)]
        labels = {s: f"{MONTH_NAMES[int(s[5:])]} {s[:4]}" for s in slots}
        unit = "month"
    else:
        counts = {row["value"]: row["count"] for row in years}
        slots = list(range(first, last + 1))
        labels = {s: str(s) for s in slots}
        unit = "year"
    if filters.sort != "chronological":
        slots.reverse()
    scale = max(*counts.values(), SMALLEST_SCALE)
    selected_span = None
    if filters.from_span and filters.to_span:
        selected_span = (filters.from_span.start, filters.to_span.end)
    bars = []
    for slot in slots:
        count = counts.get(slot, 0)
        narrowed = filters.to_query(
            default_sort=PAGE_SORT, **{"from": labels[slot], "to": labels[slot]}
        )
        bars.append(
            {
                "label": labels[slot],
                "short": labels[slot][:3] if unit == "month" else labels[slot],
                "year": int(str(slot)[:4]),
                "count": count,
                "step": max(1, round(BAR_STEPS * count / scale)) if count else 0,
                "href": narrowed.urlencode(),
                "selected": selected_span == slot_bounds(slot),
            }
        )
    chart["bars"] = bars
    chart["unit"] = unit
    chart["summary"] = ", ".join(f"{labels[s]}: {counts.get(s, 0)}" for s in slots)
    if filters.date_from or filters.date_to:
        everything = filters.to_query(default_sort=PAGE_SORT, **{"from": "", "to": ""})
        chart["all_href"] = everything.urlencode()
    if unit == "year":
        chart["title"] = _("Events per year")
    else:
        years_shown = str(first) if first == last else f"{first}–{last}"
        chart["title"] = _("Events per month, %(years)s") % {"years": years_shown}
    return chart

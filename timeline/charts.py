"""The density chart: events per year (per month when the range is short) as a server-rendered
SVG whose bars narrow the view."""

from timeline.dates import MONTH_NAMES
from timeline.filters import TimelineFilter

CHART_WIDTH = 600
CHART_HEIGHT = 80
MONTHLY_UP_TO_YEARS = 2


def density_chart(years: list[dict], *, filters: TimelineFilter, months=None) -> dict:
    """Bars (x, y, width, height, label, count, href) for the template to draw."""
    empty = {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "summary": "", "unit": ""}
    if not years:
        return empty
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
    peak = max(counts.values())
    slot_width = CHART_WIDTH / len(slots)
    bars = []
    for index, slot in enumerate(slots):
        count = counts.get(slot, 0)
        height = round((CHART_HEIGHT - 14) * count / peak, 1) if count else 0
        narrowed = filters.to_query(**{"from": labels[slot], "to": labels[slot]}).urlencode()
        bars.append(
            {
                "label": labels[slot],
                "short": labels[slot][:3] if unit == "month" else labels[slot],
                "count": count,
                "x": round(index * slot_width + 1, 1),
                "width": round(max(slot_width - 2, 1), 1),
                "y": round(CHART_HEIGHT - 14 - height, 1),
                "height": height,
                "label_x": round(index * slot_width + slot_width / 2, 1),
                "href": "?" + narrowed,
            }
        )
    summary = ", ".join(f"{labels[s]}: {counts.get(s, 0)}" for s in slots)
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "summary": summary,
        "unit": unit,
    }

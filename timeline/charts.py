"""The density chart: events per year as a server-rendered SVG whose bars narrow the view."""

from timeline.filters import TimelineFilter

CHART_WIDTH = 600
CHART_HEIGHT = 80


def density_chart(years: list[dict], *, filters: TimelineFilter) -> dict:
    """Bars (x, y, width, height, year, count, href) for the template to draw."""
    if not years:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT, "summary": ""}
    first, last = years[0]["value"], years[-1]["value"]
    counts = {row["value"]: row["count"] for row in years}
    slots = list(range(first, last + 1))
    peak = max(counts.values())
    slot_width = CHART_WIDTH / len(slots)
    bars = []
    for index, year in enumerate(slots):
        count = counts.get(year, 0)
        height = round((CHART_HEIGHT - 14) * count / peak, 1) if count else 0
        bars.append(
            {
                "year": year,
                "count": count,
                "x": round(index * slot_width + 1, 1),
                "width": round(max(slot_width - 2, 1), 1),
                "y": round(CHART_HEIGHT - 14 - height, 1),
                "height": height,
                "label_x": round(index * slot_width + slot_width / 2, 1),
                "href": "?" + filters.to_query(**{"from": str(year), "to": str(year)}).urlencode(),
            }
        )
    summary = ", ".join(f"{year}: {counts.get(year, 0)}" for year in slots)
    return {"bars": bars, "width": CHART_WIDTH, "height": CHART_HEIGHT, "summary": summary}

"""Small SVG charts drawn on the server: no chart library, nothing loaded from a CDN."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 640, 180, 28


def bar_chart(values: list[float], labels: list[str], *, title: str, color: str = "#417690") -> SafeString:
    """A bar chart of `values`, one bar per label, with the largest value on the axis."""
    top = max(values, default=0) or 1
    count = max(len(values), 1)
    slot = (WIDTH - 2 * PAD) / count
    bars = []
    for n, (value, label) in enumerate(zip(values, labels, strict=True)):
        height = (HEIGHT - 2 * PAD) * value / top
        x = PAD + n * slot + slot * 0.1
        y = HEIGHT - PAD - height
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" height="{height:.1f}" fill="{color}">'
            f"<title>{escape(label)}: {value:g}</title></rect>"
        )
        if count <= 12 or n % max(count // 10, 1) == 0:
            middle = x + slot * 0.4
            bars.append(
                f'<text x="{middle:.1f}" y="{HEIGHT - 8}" font-size="9" text-anchor="middle">{escape(label)}</text>'
            )
    return mark_safe(  # noqa: S308 (every text inside is escaped above)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">'
        f'<text x="{PAD}" y="14" font-size="11">{escape(title)} (max {top:g})</text>'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#999"/>'
        + "".join(bars)
        + "</svg>"
    )

"""Dashboard charts drawn server-side as inline SVG (no chart library, no script in the page).

Colours are SVG presentation attributes, so the strict Content-Security-Policy holds.
"""

from __future__ import annotations

from collections import defaultdict

from markupsafe import Markup, escape

PALETTE = ("#1f6f8b", "#e07a1f", "#3f9b4a", "#b83b5e", "#6a4c93", "#8c7a3c", "#9aa5b1")
TOP_SERIES = 6


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
                  f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>{"".join(body)}</svg>')


def bars(items: list[tuple[str, float]], label: str, percent: bool = False) -> Markup:
    """Horizontal bars, largest first as given; `percent` formats values 0-1 as %."""
    if not items:
        return Markup('<p class="kosong">Belum ada data.</p>')
    width, row, left = 640, 22, 170
    top = max(v for _, v in items) or 1
    scale = 1 if percent else top
    body = []
    for i, (name, value) in enumerate(items):
        y = i * row
        length = (width - left - 60) * (value / scale)
        text = f"{value * 100:.0f} %" if percent else f"{value:g}"
        body.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end" class="lbl">{escape(name)}</text>'
                    f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{PALETTE[0]}">'
                    f'<title>{escape(name)}: {text}</title></rect>'
                    f'<text x="{left + length + 4:.1f}" y="{y + 15}" class="val">{text}</text>')
    return _svg(width, row * len(items) + 4, label, body)


def weekly_stacked(rows: list[dict], label: str) -> Markup:
    """Columns per week stacked by code (the `TOP_SERIES` largest codes, the rest as 'lainnya'), with a legend."""
    if not rows:
        return Markup('<p class="kosong">Belum ada data.</p>')
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r["code"] or "(kosong)"] += r["count"]
    top = [code for code, _ in sorted(totals.items(), key=lambda kv: -kv[1])[:TOP_SERIES]]
    weeks = sorted({r["week"] for r in rows})
    stacks: dict[str, dict[str, int]] = {w: defaultdict(int) for w in weeks}
    for r in rows:
        code = r["code"] or "(kosong)"
        stacks[r["week"]][code if code in top else "lainnya"] += r["count"]
    series = top + (["lainnya"] if any("lainnya" in s for s in stacks.values()) else [])
    width, height, bottom, left = 640, 220, 40, 40
    peak = max(sum(s.values()) for s in stacks.values()) or 1
    column = (width - left) / len(weeks)
    body = [f'<text x="4" y="12" class="val">{peak}</text>',
            f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#888"/>']
    for i, week in enumerate(weeks):
        x, y = left + i * column + 2, height - bottom
        for j, code in enumerate(series):
            count = stacks[week].get(code, 0)
            if not count:
                continue
            h = (height - bottom - 16) * count / peak
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{column - 4:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(code)}, minggu {week}: {count}</title></rect>')
        body.append(f'<text x="{x + (column - 4) / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                    f'class="lbl">{week[5:]}</text>')
    for j, code in enumerate(series):
        x, y = left + (j % 4) * 150, height - 12 + (j // 4) * 16
        body.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                    f'<text x="{x + 14}" y="{y}" class="lbl">{escape(code)}</text>')
    return _svg(width, height + 16 * ((len(series) - 1) // 4), label, body)


def dashboard(stats: dict) -> dict[str, Markup]:
    """Every chart of the dashboard from `ComplaintService.stats`."""
    overdue = sorted(((code or "(belum)", n) for code, n in stats["overdue_by_agency"].items()), key=lambda kv: -kv[1])
    accepted = [(version, v["accepted_top1"]) for version, v in stats["model_versions"].items()
                if v["accepted_top1"] is not None]
    return {"category_weeks": weekly_stacked(stats["weekly_by_category"], "Pengaduan per minggu menurut kategori"),
            "agency_weeks": weekly_stacked(stats["weekly_by_agency"], "Pengaduan per minggu menurut instansi"),
            "overdue": bars(overdue[:15], "Pengaduan lewat tenggat per instansi"),
            "acceptance": bars(accepted, "Saran diterima apa adanya per versi model", percent=True)}

"""HTML report of a retraining: gate verdict, old-vs-new metrics, per-agency recall, confusion matrix and
reliability diagram (PNG), written into the candidate's model directory."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from training.evaluate import confusion_png, pyplot
from training.gate import HoldoutResult, agency_table

REPORT_DIR = "evaluation"
METRICS = (("accuracy", "akurasi top-1"), ("macro_f1", "macro-F1"), ("top3_accuracy", "akurasi top-3"),
           ("coverage_at_95_precision", "cakupan pada presisi 95%"), ("ece", "galat kalibrasi (ECE)"))


def _confusion_png(result: HoldoutResult, path: Path, top: int = 25) -> None:
    """Confusion matrix of the `top` most frequent true agencies (the others pooled)."""
    frequent = list(np.unique(result.labels, return_counts=True))
    order = np.argsort(-frequent[1])[:top]
    keep = [str(frequent[0][i]) for i in order]
    other = "(lainnya)"
    y = np.where(pd.Series(result.labels).isin(keep).to_numpy(), result.labels, other)
    pred = np.where(pd.Series(result.predicted).isin(keep).to_numpy(), result.predicted, other)
    labels = keep + ([other] if (y == other).any() or (pred == other).any() else [])
    confusion_png(y, pred, labels, f"instansi: matriks kebingungan model {result.version} (baris dinormalisasi)",
                  path)


def _reliability_png(results: list[tuple[str, HoldoutResult]], path: Path) -> None:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", label="kalibrasi sempurna")
    for name, result in results:
        bins = result.reliability()
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o",
                label=f"{name} (ECE {result.metrics['ece']:.3f})")
    ax.set_xlabel("keyakinan top-1")
    ax.set_ylabel("akurasi")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("diagram keandalan: instansi")
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pct(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value * 100:.1f}"


def write(directory: Path, summary: dict, candidate: HoldoutResult, active: HoldoutResult | None) -> Path:
    """Write `report.html` and its PNGs into `directory/evaluation/`; returns the HTML path."""
    out = directory / REPORT_DIR
    out.mkdir(parents=True, exist_ok=True)
    _confusion_png(candidate, out / "confusion_agency.png")
    _reliability_png([("kandidat", candidate)] + ([("aktif", active)] if active else []), out / "reliability.png")
    esc = html.escape
    gate = summary["gate"]
    verdict = "LULUS" if gate["passed"] else "TIDAK LULUS"
    failed = "".join(f"<li><b>{esc(f['rule'])}</b>: {esc(f['message'])}</li>" for f in gate["failed"])
    metric_rows = "".join(
        f"<tr><td>{label}</td><td>{_pct(active.metrics[key]) if active else '–'}</td>"
        f"<td>{_pct(candidate.metrics[key])}</td></tr>" for key, label in METRICS)
    agencies = "".join(
        f"<tr><td>{esc(str(agency))}</td><td>{int(row.n)}</td><td>{_pct(row.active)}</td><td>{_pct(row.candidate)}</td>"
        f"<td>{'' if pd.isna(row.change) else f'{row.change * 100:+.1f}'}</td></tr>"
        for agency, row in agency_table(candidate, active).iterrows())
    holdout = summary["holdout"]
    page = f"""<!doctype html><html lang="id"><meta charset="utf-8">
<title>Pelatihan ulang {esc(summary['version'])}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}td:first-child,th:first-child{{text-align:left}}
.ok{{color:#116611}}.bad{{color:#aa1111}}</style>
<h1>Pelatihan ulang: kandidat {esc(summary['version'])}</h1>
<p>Model aktif: {esc(str(summary.get('parent') or '–'))} · oleh {esc(str(summary.get('who') or '–'))}
 · alasan: {esc(str(summary.get('reason') or '–'))}</p>
<p>Data latih: {summary['training']['rows']} contoh (korpus awal {summary['training']['seed']},
 keputusan petugas {summary['training']['decided']}, tambahan {summary['training']['extra']}).
 Data uji (holdout): {holdout['n']} keputusan terbaru, {esc(str(holdout['from']))} s.d. {esc(str(holdout['to']))}
 ({esc(holdout['rule'])}).</p>
<h2 class="{'ok' if gate['passed'] else 'bad'}">Gerbang evaluasi: {verdict}</h2>
<ul>{failed or '<li>semua aturan terpenuhi</li>'}</ul>
<p>Toleransi {gate['rules']['tolerance']}, penurunan recall maks. {gate['rules']['max_recall_drop'] * 100:.0f} poin
 untuk instansi dengan ≥ {gate['rules']['min_agency_cases']} kasus, ECE maks. {gate['rules']['max_ece']}.
 {'Diaktifkan paksa (--force), tercatat di jejak audit.' if summary.get('forced') else ''}</p>
<h2>Lama vs baru (instansi, %)</h2>
<table><tr><th>ukuran</th><th>aktif</th><th>kandidat</th></tr>{metric_rows}</table>
<h2>Diagram keandalan</h2><img src="reliability.png" alt="diagram keandalan">
<h2>Matriks kebingungan (kandidat)</h2><img src="confusion_agency.png" alt="matriks kebingungan instansi">
<h2>Recall per instansi (%)</h2>
<table><tr><th>instansi</th><th>kasus</th><th>aktif</th><th>kandidat</th><th>perubahan (poin)</th></tr>{agencies}</table>
</html>"""
    (out / "report.html").write_text(page, encoding="utf-8")
    return out / "report.html"

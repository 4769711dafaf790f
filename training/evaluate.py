"""Evaluate a TriageModel on labelled data: one JSON object of metrics, optionally an HTML report."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support, roc_auc_score

from training.data import Columns, column_or_none
from triage.model import OTHER, TriageModel, _labels, _misinfo_label, coverage_at_precision


def _fold_unknown(labels: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Labels the model never learned count as `Lainnya` when the model has that class."""
    if OTHER not in classes:
        return labels
    return np.where(pd.Series(labels).isin(classes).to_numpy(), labels, OTHER)


def head_metrics(y: np.ndarray, classes: np.ndarray, P: np.ndarray) -> dict:
    order = np.argsort(-P, axis=1)
    pred = classes[order[:, 0]]
    top3 = classes[order[:, :3]]
    correct = pred == y
    coverage, _ = coverage_at_precision(P.max(axis=1), correct)
    return {
        "n": len(y),
        "accuracy": float(correct.mean()),
        "macro_f1": float(f1_score(y, pred, average="macro", zero_division=0)),
        "top3_accuracy": float((top3 == y[:, None]).any(axis=1).mean()),
        "coverage_at_95_precision": float(coverage),
    }


def evaluate(model: TriageModel, frame: pd.DataFrame, columns: Columns | None = None) -> tuple[dict, dict]:
    """(metrics, per-head details for the report). Heads without labels in `frame` are left out,
    except misinformation, whose flag rate needs no labels."""
    columns = columns or Columns()
    texts = frame[columns.text].tolist()
    probs = model.predict_proba(texts)
    result: dict = {"n": len(texts)}
    details: dict = {}
    for head, (classes, P) in probs.items():
        raw = column_or_none(frame, columns.labels()[head])
        if head == "misinformation":
            result[head] = _misinfo_metrics(model, texts, classes, P, raw)
            continue
        if raw is None:
            continue
        y = _labels(raw)
        has = y != ""
        y = _fold_unknown(y[has], classes)
        result[head] = head_metrics(y, classes, P[has])
        details[head] = (y, classes[P[has].argmax(axis=1)])
    return result, details


def _misinfo_metrics(model: TriageModel, texts: list[str], classes: np.ndarray, P: np.ndarray, raw) -> dict:
    positive = list(classes).index("1")
    score = model.misinformation_scores(texts, P[:, positive])  # as the service scores it, without a catalogue
    P = P.copy()
    P[:, positive], P[:, 1 - positive] = score, 1 - score
    flag = model.misinformation_flags(texts, score)
    out: dict = {"flag_rate": float(flag.mean()), "threshold": model.thresholds.get("misinformation", 0.5)}
    if raw is None:
        return out
    y = np.array([_misinfo_label(v) for v in raw], dtype=object)
    has = y != ""
    if not has.any():
        return out
    truth = y[has] == "1"
    out.update(head_metrics(y[has], classes, P[has]))
    precision, recall, _, _ = precision_recall_fscore_support(truth, flag[has], average="binary", zero_division=0)
    out.update({"precision": float(precision), "recall": float(recall),
                "auc": float(roc_auc_score(truth, score[has])) if 0 < truth.sum() < len(truth) else None})
    return out


def pyplot():
    """matplotlib's pyplot on the non-interactive Agg backend (imported only when a report is written)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def confusion_png(y, pred, labels: list[str], title: str, path: Path) -> None:
    """Row-normalised confusion matrix of `labels` as a PNG."""
    plt = pyplot()
    cm = confusion_matrix(y, pred, labels=labels)
    size = max(5, 0.35 * len(labels) + 3)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(cm / np.maximum(cm.sum(axis=1, keepdims=True), 1), cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), [lbl[:28] for lbl in labels], rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), [lbl[:28] for lbl in labels], fontsize=7)
    ax.set_xlabel("prediksi")
    ax.set_ylabel("label")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(result: dict, details: dict, model: TriageModel, directory: str | Path) -> Path:
    """HTML report with a per-class table and a confusion-matrix PNG for each labelled head."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    sections = []
    for head, (y, pred) in details.items():
        labels = sorted(set(y) | set(pred))
        png = f"confusion_{head}.png"
        confusion_png(y, pred, labels, f"{head}: matriks kebingungan (baris dinormalisasi)", directory / png)
        p, r, f, s = precision_recall_fscore_support(y, pred, labels=labels, zero_division=0)
        rows = "".join(f"<tr><td>{html.escape(str(lbl))}</td><td>{pi:.3f}</td><td>{ri:.3f}</td><td>{fi:.3f}</td>"
                       f"<td>{si}</td></tr>" for lbl, pi, ri, fi, si in zip(labels, p, r, f, s))
        metrics = result[head]
        sections.append(
            f"<h2>{html.escape(head)}</h2><p>akurasi {metrics['accuracy']:.3f} · macro-F1 {metrics['macro_f1']:.3f}"
            f" · top-3 {metrics['top3_accuracy']:.3f} · cakupan pada presisi 95% "
            f"{metrics['coverage_at_95_precision']:.3f}</p><img src='{png}' alt='matriks kebingungan {head}'>"
            "<table><tr><th>kelas</th><th>presisi</th><th>recall</th><th>F1</th><th>jumlah</th></tr>"
            f"{rows}</table>")
    misinfo = result.get("misinformation")
    if misinfo:
        sections.append("<h2>misinformation</h2><p>" + " · ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in misinfo.items()) + "</p>")
    page = (f"<!doctype html><html lang='id'><meta charset='utf-8'><title>Evaluasi model {model.version}</title>"
            "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child{text-align:left}</style>"
            f"<h1>Evaluasi model {html.escape(model.version)}</h1><p>{result['n']} pengaduan</p>"
            + "".join(sections) + "</html>")
    (directory / "report.html").write_text(page, encoding="utf-8")
    return directory / "report.html"

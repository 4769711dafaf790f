"""The queue's CSV export over more rows than one read batch, on SQLite and PostgreSQL: every match once, oldest
first, each with its newest suggestion, and decisions still possible while a download streams."""

import csv
import io

from triage.complaints import EXPORT_BATCH

TEXTS = ("sampah menumpuk di TPS pasar nomor {n}", "lampu jalan mati di gang nomor {n}")


def _rows(chunks) -> list[dict]:
    return list(csv.DictReader(io.StringIO("".join(chunks))))


def test_export_streams_every_match_once_across_batches(world):
    sessions, service, admin, _ = world
    count = 2 * EXPORT_BATCH + 300
    stored = []
    for start in range(0, count, 1000):  # the API's largest batch
        items = [{"external_id": f"ekspor-{n}", "text": TEXTS[n % 2].format(n=n)}
                 for n in range(start, min(start + 1000, count))]
        stored += service.ingest(sessions, admin, items)[0]
    trash = stored[::2]  # TEXTS[0]
    assert len(trash) > EXPORT_BATCH, "the search's matches span more than one batch"

    chunks = service.export_csv(sessions, admin, {"q": "TPS pasar"})
    first = [next(chunks), next(chunks)]  # the header, then the first batch: the export's read is now open
    decided = service.decide(sessions, admin, trash[-1]["id"], {"category": "SAMPAH", "agency": "DLH",
                                                                 "expected_revision": 0})
    assert decided["status"] == "routed", "a decision goes through while a download streams"
    rows = _rows(first + list(chunks))

    assert [int(r["id"]) for r in rows] == sorted(r["id"] for r in trash), "every match once, oldest first"
    assert all("TPS pasar" in r["text"] for r in rows)
    assert {r["suggested_agency"] for r in rows} == {"DLH"}, "each row carries its suggestion"

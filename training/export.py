"""Training examples from the service's human decisions (the first step of retraining).

Every complaint with a decision becomes one labelled example: its latest decision's category, agency and
misinformation verdict, with the final agency of its latest resolution winning over the decided one. A duplicate
report takes the labels of the complaint it was merged into (a coordinator judged it the same matter; its own
earlier routing, if any, is superseded), so a matter reported in other words teaches the model those words too.
Text is the masked text (personal data removed at ingest, masked again here); examples whose masked text
is the same are collapsed to one (a resolved one first, else the most recently decided). Bulk-accepted decisions are kept but marked
(`bulk`), since they repeat the model's own choice; `include_bulk=False` leaves them out.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session, aliased

from training.data import Columns, read_table
from triage.store.tables import Complaint, Decision, Resolution
from triage.text import mask_pii

COLUMNS = ["text", "category", "agency", "misinformation", "district", "decided_at", "bulk", "resolved", "source"]


def decided_examples(session: Session, include_bulk: bool = True) -> pd.DataFrame:
    """One row per distinct masked text with the humans' labels, oldest decision first. A complaint its agency
    handed back (`returned_by`) is left out until it is routed again: its latest routing was refused."""
    latest_decision = select(func.max(Decision.id)).group_by(Decision.complaint_id)
    latest_resolution = select(func.max(Resolution.id)).group_by(Resolution.complaint_id)
    final = (select(Resolution.complaint_id, Resolution.final_agency)
             .where(Resolution.id.in_(latest_resolution)).subquery())
    duplicate = aliased(Complaint)

    def labelled_by_decision(example=None):
        """Each latest decision's labels, on the decided complaint's text or on `example`'s, a report merged into it."""
        own = example is None
        example = Complaint if own else example
        query = (select(example.text_masked.label("text"), Decision.category,
                        func.coalesce(final.c.final_agency, Decision.agency).label("agency"), Decision.misinformation,
                        example.district, Decision.decided_at, Decision.bulk,
                        final.c.final_agency.is_not(None).label("resolved"), Decision.id.label("decision_id"))
                 .join(Complaint, Decision.complaint_id == Complaint.id)
                 .outerjoin(final, final.c.complaint_id == Complaint.id)
                 .where(Decision.id.in_(latest_decision), Complaint.returned_by.is_(None),
                        Complaint.status != "duplicate"))
        return query if own else query.join(example, example.duplicate_of == Complaint.id)

    both = union_all(labelled_by_decision(), labelled_by_decision(duplicate)).subquery()
    rows = session.execute(select(*list(both.c)[:-1]).order_by(both.c.decided_at, both.c.decision_id))
    frame = pd.DataFrame(list(rows), columns=COLUMNS[:-1])
    if not include_bulk:
        frame = frame[~frame.bulk.astype(bool)]
    frame["text"] = frame.text.map(lambda t: mask_pii(t).strip())
    frame["misinformation"] = frame.misinformation.map(lambda v: "1" if v else "0")
    frame["district"] = frame.district.fillna("")
    frame["source"] = "service"
    # Of complaints with the same text, a resolved one wins (its final agency is the surest label), then the newest.
    frame = frame.sort_values(["resolved", "decided_at"], kind="stable").drop_duplicates("text", keep="last")
    return frame.sort_values("decided_at", kind="stable").reset_index(drop=True)


def with_extras(frame: pd.DataFrame, extras: list[str], columns: Columns | None = None) -> pd.DataFrame:
    """`frame` plus external resolved cases (CSV/Parquet with text and labels), masked and de-duplicated;
    a text the service already has keeps the service's labels."""
    columns = columns or Columns()
    parts = [frame]
    for path in extras:
        extra = read_table(path, columns)
        parts.append(pd.DataFrame({
            "text": extra[columns.text].map(lambda t: mask_pii(t).strip()),
            **{name: extra[column].astype(str) if column in extra.columns else ""
               for name, column in (("category", columns.category), ("agency", columns.agency),
                                    ("misinformation", columns.misinformation), ("district", columns.district))},
            "decided_at": pd.NaT, "bulk": False, "resolved": True, "source": str(path)}))
    merged = pd.concat(parts, ignore_index=True)
    return merged.drop_duplicates("text", keep="first").reset_index(drop=True)[COLUMNS]

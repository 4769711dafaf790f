"""Possible duplicates on a complaint's page: earlier reports of the same event are offered even when the model
put them under another agency and category (an unsure model splits near-identical texts)."""

from sqlalchemy import update

from triage.store.tables import Complaint

TEXTS = {"serupa-1": "Pohon tumbang menutup jalan di depan SD Negeri 4 Karangsari sejak subuh, kendaraan tidak lewat",
         "serupa-2": "Lampu jalan di gang Kenari mati sudah seminggu, gelap sekali kalau malam",
         "serupa-3": "Pohon tumbang menutup jalan depan SD Negeri 4 Karangsari sejak subuh tadi, kendaraan tak bisa lewat"}


def test_an_earlier_report_of_the_same_event_is_similar_whatever_its_routing(world):
    sessions, service, admin, _ = world
    ids = {r["external_id"]: r["id"] for key, text in TEXTS.items()
           for r in service.ingest(sessions, admin, {"external_id": key, "text": text})[0]}
    with sessions.begin() as session:  # the first report suggested elsewhere than the third, in both heads
        session.execute(update(Complaint).where(Complaint.id == ids["serupa-1"]).values(
            suggested_agency="DINKES", suggested_category="KESEHATAN"))
        session.execute(update(Complaint).where(Complaint.id == ids["serupa-3"]).values(
            suggested_agency="PUPR", suggested_category="JALAN"))
    with sessions() as session:
        similar = service.similar(session, admin, ids["serupa-3"])
    assert similar and similar[0]["id"] == ids["serupa-1"] and similar[0]["similarity"] > 0.5, similar

"""Known-hoax catalogue: reading exports, matching spelling variants, the CLI, and the verification workflow
over real HTTP (API and admin pages) on SQLite and PostgreSQL: flag -> needs_verification -> verdict ->
decision stored -> catalogue link -> training example."""

import json
import os
import subprocess

import numpy as np
import pytest
from http_service import PASSWORD, TRIAGE, Browserless, Service, set_password, triage

from triage.hoaxes import CatalogueError, HoaxIndex, read_catalogue

BANSOS = ("Pesan berantai: pemerintah membagikan bantuan sosial Rp 5 juta untuk semua warga, daftar segera "
          "lewat tautan bansos-cair di grup WhatsApp sebelum ditutup besok")
BANSOS_VARIANT = ("min ini bener gak ada bansos 5jt buat semua warga? katanya daftar segera lewat tautan bansos cair "
                  "di grup wa sebelum ditutup besok")
LOWONGAN = "Beredar surat lowongan CPNS jalur khusus tanpa tes dengan membayar biaya administrasi ke rekening pribadi"
GENUINE = "Lampu penerangan jalan di depan balai RW 03 mati sejak tiga hari, jalan gelap dan rawan"


def write_csv(path, rows):
    import csv

    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["id", "title", "text", "label", "date"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_read_turnbackhoax_csv_and_jsonl_with_clear_errors(tmp_path):
    csv_path = write_csv(tmp_path / "tbh.csv", [
        {"id": 1, "title": "Bansos 5 juta lewat tautan", "text": BANSOS, "label": "hoax", "date": "3-Mar-21"},
        {"id": 2, "title": "Jadwal vaksin", "text": "Jadwal vaksinasi di puskesmas diumumkan", "label": "valid",
         "date": "4-Mar-21"}])
    entries = read_catalogue(csv_path)
    assert [e["verdict"] for e in entries] == ["hoax", "valid"] and entries[0]["claim"] == BANSOS
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps({"judul": "Lowongan palsu", "narasi": LOWONGAN, "kesimpulan": "Salah",
                                 "link": "https://contoh.invalid/1", "tags": ["lowongan", "cpns"]}) + "\n\n")
    [entry] = read_catalogue(jsonl)
    assert entry["verdict"] == "hoax" and entry["tags"] == ["lowongan", "cpns"] and entry["url"].endswith("/1")
    jsonl.write_text('{"title": "ok", "claim": "x"}\n{not json\n')
    with pytest.raises(CatalogueError, match=r"c\.jsonl:2: not JSON"):
        read_catalogue(jsonl)


def test_index_matches_spelling_variants_not_genuine_complaints_nor_valid_entries():
    index = HoaxIndex.build([{"title": "Bansos 5 juta lewat tautan", "claim": BANSOS, "verdict": "hoax", "url": "u1"},
                             {"title": "Lowongan CPNS berbayar", "claim": LOWONGAN, "verdict": "hoax", "url": "u2"},
                             {"title": "Lampu jalan", "claim": GENUINE, "verdict": "valid", "url": "u3"}])
    match = index.match(BANSOS_VARIANT)
    assert match is not None and match.entry_id == 1 and match.url == "u1", match
    assert index.match(GENUINE) is None, "an entry with verdict valid never flags"
    assert index.match("Saluran air di gang mawar tersumbat sampah, mohon dibersihkan") is None
    index.add([{"title": "Air minum beracun", "claim": "Air PDAM dicampur racun, jangan diminum", "verdict": "hoax"}],
              [7])
    assert index.match("katanya air pdam dicampur racun jangan diminum ya").entry_id == 7


def test_batch_matching_agrees_with_single_matches_and_leaves_one_out():
    entries = [{"claim": BANSOS, "verdict": "hoax"}, {"claim": BANSOS_VARIANT, "verdict": "hoax"},
               {"claim": LOWONGAN, "verdict": "hoax"}]
    index = HoaxIndex.build(entries, ids=[10, 11, 12])
    texts = [BANSOS_VARIANT, LOWONGAN, GENUINE]
    best, similarity = index.best_matches(texts)
    for text, b, sim in zip(texts, best, similarity, strict=True):
        match = index.match(text)
        assert (match is None) == (b < 0 or sim < index.threshold)
        if match:
            assert match.entry_id == index.ids[b] and match.similarity == pytest.approx(sim, abs=1e-4)
    assert best[0] == 1 and similarity[0] > 0.95, "a text is its own best match"
    best, similarity = index.best_matches(texts, exclude_ids=[11, 12, -1])
    assert best[0] == 0 and 0.4 < similarity[0] < 1.0, "left out, the variant finds the original hoax"
    assert similarity[1] < index.threshold, "the only recruitment entry is left out"


def test_catalogue_similarity_raises_the_one_combined_score(seed_model):
    """The service shows one calibrated score; evidence from the catalogue can only raise it, and the weights
    the model learned are in its card."""
    evidence = seed_model.card["misinformation_evidence"]
    assert min(evidence["classifier_log_odds"], evidence["cue_kinds"], evidence["catalogue_similarity"]) >= 0, evidence
    scores = seed_model.misinformation_scores([BANSOS_VARIANT] * 4, np.full(4, 0.3), [0.0, 0.2, 0.6, 0.9])
    assert scores[0] == scores[1], "below the match threshold a similarity is no match"
    assert scores[1] <= scores[2] <= scores[3]
    suggestion = seed_model.suggest_many([BANSOS_VARIANT], hoax_similarity=[0.9])[0]["misinformation"]
    assert 0 <= suggestion["score"] <= 1 and suggestion["flag"] and suggestion["reasons"], suggestion


def test_cli_import_is_idempotent_and_lists(tmp_path):
    env = {**os.environ, "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
           "TRIAGE_HOAX_INDEX": str(tmp_path / "index.joblib")}
    path = write_csv(tmp_path / "tbh.csv", [{"id": 1, "title": "Bansos 5 juta", "text": BANSOS, "label": "hoax",
                                             "date": "3-Mar-21"}])
    first = subprocess.run([TRIAGE, "hoaxes", "import", str(path)], env=env, capture_output=True, text=True,
                           check=False)
    assert first.returncode == 0 and "1 added" in first.stderr, first.stderr
    again = subprocess.run([TRIAGE, "hoaxes", "import", str(path)], env=env, capture_output=True, text=True,
                           check=False)
    assert "0 added, 1 already catalogued; 1 entries indexed" in again.stderr
    listing = subprocess.run([TRIAGE, "hoaxes", "list"], env=env, capture_output=True, text=True, check=False)
    assert "Bansos 5 juta" in listing.stdout and "1 entries" in listing.stderr
    (tmp_path / "bad.csv").write_text("judul,foo\n,\n")
    bad = subprocess.run([TRIAGE, "hoaxes", "import", str(tmp_path / "bad.csv")], env=env, capture_output=True,
                         text=True, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "bad.csv:2" in bad.stderr


@pytest.fixture()
def service(model_registry, database_url, tmp_path):
    env = {"TRIAGE_MODELS_DIR": str(model_registry), "TRIAGE_DATABASE_URL": database_url,
           "TRIAGE_HOAX_INDEX": str(tmp_path / "index.joblib"), "TRIAGE_RELOAD_SECONDS": "0",
           "TRIAGE_SECRET_KEY": "hoax-test-secret"}
    tokens = {name: triage(env, "users", "add", name, "--role", role, *extra) for name, role, extra in (
        ("koordinator", "coordinator", ()), ("integrasi", "integration", ()), ("dinas", "agency", ("--agency", "DLH")))}
    set_password(env, "koordinator", PASSWORD)
    server = Service(env, workers=2)
    server.tokens, server.env = tokens, env
    yield server
    server.stop()


def test_verification_workflow_over_api_and_pages(service, tmp_path):
    coordinator, integration = service.tokens["koordinator"], service.tokens["integrasi"]
    status, body = service.call("POST", "/api/v1/hoaxes", service.tokens["dinas"], {"title": "x", "claim": "y"})
    assert status == 403
    status, body = service.call("POST", "/api/v1/hoaxes", coordinator, [
        {"title": "Bansos 5 juta lewat tautan", "claim": BANSOS, "verdict": "hoax", "url": "https://contoh.invalid/b"},
        {"title": "", "claim": ""}])
    assert status == 422 and body["error"]["code"] == "invalid_entry" and "item 1" in body["error"]["message"]
    status, body = service.call("POST", "/api/v1/hoaxes", coordinator, [
        {"title": "Bansos 5 juta lewat tautan", "claim": BANSOS, "verdict": "hoax", "url": "https://contoh.invalid/b"}])
    assert status == 201 and body == {"added": 1, "skipped": 0, "catalogue": 1}
    status, listing = service.call("GET", "/api/v1/hoaxes?q=bansos", coordinator)
    hoax_id = listing["entries"][0]["id"]

    status, [stored] = service.call("POST", "/api/v1/complaints", integration,
                                    [{"external_id": "h-1", "text": BANSOS_VARIANT}])
    assert status == 201 and stored["status"] == "needs_verification"
    match = stored["suggestion"]["misinformation"]["match"]
    assert match["id"] == hoax_id and match["url"] == "https://contoh.invalid/b" and match["similarity"] >= 0.4
    status, queue = service.call("GET", "/api/v1/complaints?status=needs_verification", coordinator)
    assert [c["id"] for c in queue["items"]] == [stored["id"]]

    browser = Browserless(service.base)
    browser.login("koordinator")
    _, _, page = browser.request("GET", f"/pengaduan/{stored['id']}")
    assert "Mirip hoaks yang sudah dibantah" in page and f'name="hoax_id" value="{hoax_id}"' in page
    token = browser.csrf(f"/pengaduan/{stored['id']}")
    status, _, _ = browser.request("POST", f"/pengaduan/{stored['id']}/keputusan", {
        "csrf_token": token, "category": "INFORMASI", "agency": "DISKOMINFO", "misinformation": "1",
        "hoax_id": str(hoax_id), "expected_revision": "0"})
    assert status == 302
    status, detail = service.call("GET", f"/api/v1/complaints/{stored['id']}", coordinator)
    assert detail["decisions"][-1]["misinformation"] and detail["decisions"][-1]["hoax_id"] == hoax_id

    # A new hoax no catalogue entry knows: the verdict is a decision, then the claim joins the catalogue.
    status, [other] = service.call("POST", "/api/v1/complaints", integration, [{"external_id": "h-2", "text": LOWONGAN}])
    status, _ = service.call("POST", f"/api/v1/complaints/{other['id']}/hoax", coordinator, {"title": "Lowongan"})
    assert status == 422, "only a complaint confirmed as misinformation may be catalogued"
    status, _ = service.call("POST", f"/api/v1/complaints/{other['id']}/decision", coordinator, {
        "category": "INFORMASI", "agency": "DISKOMINFO", "misinformation": True, "expected_revision": 0})
    assert status == 200
    _, _, page = browser.request("GET", f"/pengaduan/{other['id']}")
    assert "Tambahkan ke katalog hoaks" in page
    status, _, _ = browser.request("POST", f"/pengaduan/{other['id']}/katalog-hoaks", {
        "csrf_token": browser.csrf(f"/pengaduan/{other['id']}"), "title": "Lowongan CPNS berbayar",
        "url": "https://contoh.invalid/l"})
    assert status == 302
    _, detail = service.call("GET", f"/api/v1/complaints/{other['id']}", coordinator)
    new_id = detail["decisions"][-1]["hoax_id"]
    assert new_id is not None
    status, [repeat] = service.call("POST", "/api/v1/complaints", integration, [
        {"external_id": "h-3", "text": "Ada surat lowongan cpns jalur khusus tanpa tes, bayar biaya administrasi "
                                       "ke rekening pribadi. benarkah?"}])
    assert repeat["suggestion"]["misinformation"]["match"]["id"] == new_id, "the new entry is matched at once"
    assert repeat["status"] == "needs_verification"

    out = tmp_path / "train.csv"
    subprocess.run([TRIAGE, "export-training", "-o", str(out)], env={**os.environ, **service.env}, check=True,
                   capture_output=True)
    import pandas as pd

    frame = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(frame.misinformation) == {"1"} and len(frame) == 2, "both verdicts feed retraining"

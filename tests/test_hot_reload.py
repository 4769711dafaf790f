"""A running service (gunicorn, 2 workers) follows model activation without dropping requests."""

import shutil
import threading
import time
import warnings

import pytest
from http_service import Service, triage

from triage import registry
from triage.model import TriageModel

TEXT = "sampah di TPS menumpuk tidak diangkut"


@pytest.fixture()
def models(tmp_path, seed_model, seed_frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        second = TriageModel().fit(seed_frame.text[:600], seed_frame.category[:600], seed_frame.agency[:600])
    registry.register(seed_model, tmp_path)
    registry.register(second, tmp_path)
    registry.activate(seed_model.version, tmp_path)
    return tmp_path, seed_model.version, second.version


def test_activation_reaches_every_worker_without_failed_requests(models, tmp_path_factory):
    root, first, second = models
    env = {"TRIAGE_MODELS_DIR": str(root), "TRIAGE_RELOAD_SECONDS": "0.5",
           "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'triage.db'}"}
    token = triage(env, "users", "add", "pemda", "--role", "integration")
    service = Service(env, workers=2)
    answers, stop = [], threading.Event()

    def load():
        while not stop.is_set():
            status, body = service.call("POST", "/api/v1/suggest", token, {"text": TEXT})
            answers.append((time.time(), status, body.get("model_version")))

    clients = [threading.Thread(target=load) for _ in range(3)]
    try:
        for client in clients:
            client.start()
        time.sleep(2)
        triage(env, "models", "activate", second)
        switched = time.time()
        time.sleep(5)

        # A model that cannot load is refused; the service keeps answering with the one it has.
        broken = root / "broken"
        shutil.copytree(root / second, broken)
        (broken / "model.joblib").write_bytes(b"not a model")
        (root / ".active.tmp").write_text("broken\n")
        (root / ".active.tmp").replace(root / "active")
        time.sleep(3)
        stop.set()
        for client in clients:
            client.join()
        _, ready = service.call("GET", "/readyz")
    finally:
        stop.set()
        service.stop()
    assert answers and all(status == 200 for _, status, _ in answers), "no request may fail"
    assert any(version == first for _, _, version in answers)
    late = [version for at, _, version in answers if at > switched + 3]
    assert late and set(late) == {second}, "every worker serves the new model a few seconds after activation"
    assert ready["model_version"] == second and "broken" in ready["model_error"]

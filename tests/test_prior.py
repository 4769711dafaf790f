"""Prior knowledge from the seed corpus: its model blended in only where out-of-fold evidence shows it helps, never
offered when the training data holds the seed corpus, carried through save/load; its complaints join a
misinformation head trained on other data."""

import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATASETS

from training.train import seed_complaint_texts, seed_prior
from triage.model import TriageModel, fit_calibrated_svc
from triage.prior import fit_blend


def _calibrated_head(y: np.ndarray, classes: np.ndarray, rng) -> np.ndarray:
    """Out-of-fold probabilities of a calibrated head that is right 60 % of the time: 0.6 on its choice."""
    truth = np.searchsorted(classes, y)
    wrong = (truth + rng.integers(1, len(classes), len(y))) % len(classes)
    choice = np.where(rng.random(len(y)) < 0.6, truth, wrong)
    P = np.full((len(y), len(classes)), 0.4 / (len(classes) - 1))
    P[np.arange(len(y)), choice] = 0.6
    return P


def test_blend_is_kept_when_the_prior_knows_more_and_dropped_when_it_is_noise():
    rng = np.random.default_rng(0)
    classes = np.array(["a", "b", "c"])
    y = rng.choice(classes, 300)
    head = _calibrated_head(y, classes, rng)
    informative = np.log(np.eye(3)[np.searchsorted(classes, y)] * 0.8 + 0.1 + rng.normal(0, 0.05, (300, 3)).clip(0))
    blend, blended = fit_blend(informative, y, head, classes)
    assert blend is not None and blend.alpha < 1
    truth = np.searchsorted(classes, y)
    assert blended[np.arange(300), truth].mean() > head[np.arange(300), truth].mean()
    noise = rng.normal(size=(300, 3))
    blend, unchanged = fit_blend(noise, y, head, classes)
    assert blend is None and unchanged is head


def test_extra_rows_join_every_fit_but_are_never_scored():
    """Rows passed as `extra` teach the SVM (a word only they carry gets weight) but out-of-fold scores and
    calibration are for the labelled rows alone."""
    from scipy import sparse

    rng = np.random.default_rng(0)
    y = np.array(["a", "b"] * 30)
    X = sparse.csr_matrix(np.hstack([(y == "a")[:, None] + rng.normal(0, 0.3, (60, 1)), np.zeros((60, 1))]))
    extra_X = sparse.csr_matrix(np.array([[0.0, 1.0]] * 20))  # the second column appears only here, all "b"
    alone, oof_alone = fit_calibrated_svc(X, y, 0.5)
    joined, oof_joined = fit_calibrated_svc(X, y, 0.5, extra=(extra_X, np.array(["b"] * 20), 0.3))
    assert oof_alone.shape == oof_joined.shape == (60, 2)
    assert alone.coef[1, 0] == 0 and joined.coef[1, 0] > 0, "the extra rows' word should point to 'b' (positive)"


def test_no_prior_when_the_training_data_holds_seed_complaints(seed_frame):
    assert seed_prior(seed_frame.text.tolist()[:50] + ["keluhan baru tentang jalan"]) is None


def test_small_real_data_keeps_the_prior_through_save_and_load(tmp_path):
    source = SHARED_DATASETS / "purbalingga" / "complaints_train.csv"
    if not source.is_file():
        pytest.skip(f"{source} not present (the shared datasets are not on this machine)")
    frame = pd.read_csv(source, dtype=str, keep_default_na=False).sample(300, random_state=0)
    train, test = frame.iloc[:250], frame.iloc[250:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prior = seed_prior(train.text.tolist())
        model = TriageModel().fit(train.text.tolist(), category=train.category.tolist(), prior=prior)
        with_seed = TriageModel().fit(train.text.tolist(), category=train.category.tolist(), prior=prior,
                                      prior_texts=seed_complaint_texts(train.text.tolist()))
    assert model.card["prior"] and 0.4 <= model.card["prior"]["alpha"]["category"] < 1, model.card["prior"]
    loaded = TriageModel.load(model.save(tmp_path / "m"))
    assert loaded.suggest_many(test.text.tolist()) == model.suggest_many(test.text.tolist())
    assert model.card["params"]["head_seed_rows"] == {"category": 0}
    assert with_seed.card["params"]["head_seed_rows"]["category"] == len(seed_complaint_texts([])), \
        "the pseudo-labelled seed complaints should lower the out-of-fold log-loss of a 250-row head"


@pytest.fixture(scope="module")
def other_city(tmp_path_factory, seed_frame):
    """Complaints and a hoax/valid corpus that are not the seed corpus (seed texts with a different opening)."""
    tmp = tmp_path_factory.mktemp("other-city")
    genuine = seed_frame[seed_frame.misinformation == "0"].sample(200, random_state=1)
    hoaxes = seed_frame[seed_frame.misinformation == "1"].sample(60, random_state=1)
    genuine.assign(text="Laporan warga kota lain: " + genuine.text)[["text", "agency"]].to_csv(
        tmp / "complaints.csv", index=False)
    pd.DataFrame({"text": "Pesan berantai: " + hoaxes.text, "label": "hoax"}).to_csv(tmp / "hoaxes.csv", index=False)
    return tmp


def test_seed_complaints_join_the_misinformation_head_unless_no_prior(other_city, seed_frame):
    from training.train import train

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with_seed = train([other_city / "complaints.csv"], hoax_data=(other_city / "hoaxes.csv",))
        without = train([other_city / "complaints.csv"], hoax_data=(other_city / "hoaxes.csv",), use_prior=False)
    assert without.card["data"]["labelled"]["misinformation"] == 200 + 60
    assert with_seed.card["data"]["labelled"]["misinformation"] == 200 + 60 + len(seed_frame)
    assert with_seed.card["data"]["labelled"]["agency"] == without.card["data"]["labelled"]["agency"] == 200


def test_no_misinformation_head_is_made_from_the_seed_alone(other_city):
    from training.train import train

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = train([other_city / "complaints.csv"])
    assert "misinformation" not in model.heads


def test_a_blend_fitted_on_log_probabilities_reads_them_as_before():
    """Blends pickled before the standardised probabilities lack `log_features`; they must still get logs."""
    from sklearn.linear_model import LogisticRegression

    from triage.prior import PriorBlend

    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(4), 200)
    y = np.array(["a", "b"])[(probabilities[:, 0] > 0.25).astype(int)]
    regression = LogisticRegression().fit(np.log(probabilities + 1e-4), y)
    old = PriorBlend(regression, 0.5)
    del old.__dict__["log_features"]  # as unpickled from a model saved before the field existed
    head = np.full((200, 2), 0.5)
    expected = 0.5 * head + 0.5 * regression.predict_proba(np.log(probabilities + 1e-4))
    assert np.allclose(old.blend(head, probabilities), expected)

"""Misinformation cues: the one-scan check never changes which cues are reported."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.misinfo import _cues, cue_reasons

FRAGMENTS = ["sebarkan", "sebelum dihapus", "beredar surat", "bit.ly/", "situs.xyz", "daftar lewat link",
             "biaya admin", "rp 5 juta", "bansos", "apakah benar", "hoaks", "tanpa tes", "menyembuhkan", "sk",
             "palsu", "jalan", "rusak", "warga", " ", ".", ",", "\\n", "2", "Ⅸ", "ＢＡＮＳＯＳ"]


def separately(text: str) -> list[str]:
    lowered = unicodedata.normalize("NFKC", text).lower()
    return [reason for pattern, reason in _cues() if pattern.search(lowered)]


def test_reasons_are_those_of_the_separate_cues_on_the_seed_corpus(seed_frame):
    texts = seed_frame.text.tolist()
    assert [cue_reasons(t) for t in texts] == [separately(t) for t in texts]
    assert sum(bool(cue_reasons(t)) for t in texts) > 100, "the corpus should exercise the cues"


@settings(max_examples=300, derandomize=True)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(" ".join))
def test_reasons_are_those_of_the_separate_cues_on_mixed_fragments(text):
    assert cue_reasons(text) == separately(text)

import os
import pickle
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.text import MIN_MASKED_DIGITS, IndonesianPreprocessor, _digit_count, mask_pii, normalise

PRE = IndonesianPreprocessor().fit()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=())))  # every code point, lone surrogates too
def test_pipeline_never_raises_on_arbitrary_unicode(text):
    assert isinstance(mask_pii(text), str)
    assert isinstance(normalise(text), str)
    assert isinstance(PRE.process(text), str)
    assert isinstance(PRE.word_origins(text), dict)


nik = st.from_regex(r"[1-9]\d{15}", fullmatch=True)
# Indonesian mobile numbers: 08 / +62 8 prefix, then 9-12 more digits in groups.
mobile = st.tuples(st.sampled_from(["081", "+6281", "6285", "+62 87", "(+62) 89"]),
                   st.lists(st.from_regex(r"\d{3,4}", fullmatch=True), min_size=3, max_size=3),
                   st.sampled_from(["", "-", " ", "."])).map(lambda t: t[0] + t[2].join(t[1]))
email = st.emails()
filler = st.sampled_from(["hubungi", "nomor saya", "NIK:", "email", "wa", "", "kontak di"])


@settings(max_examples=200, deadline=None)
@given(filler, st.one_of(nik, mobile, email), filler)
def test_masking_removes_every_nik_phone_and_email(before, secret, after):
    masked = mask_pii(f"{before} {secret} {after}")
    assert secret not in masked
    assert "@" not in masked or "<email>" in masked
    digits_only = re.sub(r"[\s().+-]", "", masked)
    assert not re.search(r"\d{8,}", digits_only), masked


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(categories=("Nd", "Ll", "Lu", "Zs", "Po", "So"))))
def test_the_digit_count_that_skips_the_number_patterns_never_says_too_few(text):
    """`mask_pii` skips the phone/NIK pattern below `MIN_MASKED_DIGITS` digits and the plate pattern without any:
    the count must reach each bound whenever the text's decimal digits (any script) do."""
    actual = len(re.findall(r"\d", text))
    assert min(_digit_count(text), MIN_MASKED_DIGITS) >= min(actual, MIN_MASKED_DIGITS)


def test_numbers_in_other_digit_scripts_and_lone_plates_are_still_masked():
    arabic_indic_nik = "".join(chr(0x0660 + int(d)) for d in "3578123456789012")
    assert "<nik>" in mask_pii(f"nik saya {arabic_indic_nik} mohon dibantu")
    full_width_phone = "".join(chr(0xFF10 + int(d)) for d in "081234567890")
    assert "<telepon>" in mask_pii(f"hp {full_width_phone}")
    assert "<plat>" in mask_pii("truk B 9 XY parkir di trotoar")  # one digit: no phone number, still a plate


def test_masking_uses_placeholders_and_keeps_locations():
    text = ("Lapor: NIK 3578123456789012, HP 0812-3456-7890, email budi.s@contoh.co.id, "
            "mobil L 1234 AB parkir di RT 05 RW 03, info di https://contoh.go.id/x dan bit.ly/abc")
    masked = mask_pii(text)
    for placeholder in ("<nik>", "<telepon>", "<email>", "<plat>", "<url>"):
        assert placeholder in masked
    assert "RT 05 RW 03" in masked


def test_upstream_mask_markers_become_placeholders():
    assert "<nik>" in mask_pii("nik saya [NIK] dan hp [TELEPON]")
    assert "<telepon>" in mask_pii("hp [TELEPON]")


def test_elongation_is_collapsed_and_numbers_kept_only_in_context():
    assert "lama" in normalise("sudah lamaaaa sekali").split()
    tokens = PRE.process("Jalan rusak di RT 05 RW 3 jalan km 7, tanggal 12 bulan 3").split()
    assert {"rt_5", "rw_3", "km_7"} <= set(tokens)
    assert "12" not in tokens


def test_slang_is_expanded_and_negation_and_urgency_are_kept():
    tokens = PRE.process("jln yg rusak gak diperbaiki, tdk ada petugas, mohon segera, darurat!").split()
    assert "jalan" in tokens
    assert "tidak" in tokens
    assert {"segera", "darurat"} <= set(tokens)
    assert "yang" not in tokens  # stopword


def test_reduplication_counts_as_the_base_word():
    assert PRE.process("anak2") == PRE.process("anak-anak") == PRE.process("anak")


def test_stemming_goes_through_sastrawi():
    assert PRE.process("perbaikan") == "baik"
    assert PRE.process("pembangunan") == "bangun"


def test_derived_words_reach_the_root_a_rare_dictionary_word_used_to_capture():
    assert PRE.process("kerusakan") == PRE.process("rusak") == "rusak"  # not "rusa" (deer)
    assert PRE.process("pemadaman") == "padam"
    assert PRE.process("pemangkasan perantingan") == "pangkas ranting"
    plain = IndonesianPreprocessor(stem_exclusions_path=os.devnull).fit()
    assert plain.process("kerusakan") == "rusa"  # what PySastrawi's own dictionary gives


def test_pickled_preprocessor_behaves_the_same_without_its_cache():
    text = "Sampah menumpuk di TPS, bau bgt, tlg diangkut"
    expected = PRE.process(text)
    clone = pickle.loads(pickle.dumps(PRE))
    assert clone._token_cache == {}
    assert clone.process(text) == expected


def test_raw_tokens_keep_placeholders():
    assert "<email>" in PRE.raw_tokens("kirim ke a@b.co")


def test_phrases_are_replaced_only_where_their_words_stand_together():
    assert PRE.process("susah cari Gas  Melon di warung") == PRE.process("susah cari gas elpiji di warung")
    assert "listrik" in PRE.process("tiap malam mati lampu").split()
    # Punctuation between the words breaks the phrase: a dead street lamp is not a power cut.
    assert "listrik" not in PRE.process("pju mati, lampu jalan gelap").split()
    assert "elpiji" not in PRE.process("beli gas. melon juga mahal").split()


def test_a_phrase_explains_through_its_own_words():
    origins = PRE.word_origins("Polisi tidur di gang kami terlalu tinggi")
    assert origins["batas"] == ["Polisi", "tidur"]
    assert "polisi" not in PRE.process("Polisi tidur di gang kami terlalu tinggi").split()


def test_a_preprocessor_saved_before_phrases_and_stem_exclusions_still_works():
    old = pickle.loads(pickle.dumps(PRE))
    for name in ("phrases_", "phrase_pattern_", "phrase_heads_", "phrase_starts_", "excluded_roots_"):
        delattr(old, name)
    assert old.process("gas melon langka") == "gas melon langka"
    assert old.process("kerusakan") == "rusa"
    assert old.word_origins("gas melon")["melon"] == ["melon"]

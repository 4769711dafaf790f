"""Indonesian complaint text pipeline: personal-data masking, normalisation, slang, stopwords, stemming.

`mask_pii` is the one place personal data is stripped; it is used for model input, for anything stored
for training and for anything logged. `IndonesianPreprocessor` is a scikit-learn transformer so a saved
model carries its own lexicons and training and serving cannot drift apart.

Speed: each distinct raw token is resolved once per process (slang -> stopword -> stem) and memoised;
a warm call is a few regex passes plus one dict lookup per token.
"""

from __future__ import annotations

import csv
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from pathlib import Path

from sklearn.base import BaseEstimator, TransformerMixin

from triage.config import data_dir

PLACEHOLDERS = ("<url>", "<email>", "<telepon>", "<nik>", "<plat>")

_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
SHORT_LINK_HOSTS = ("bit.ly", "s.id", "tinyurl.com", "t.co", "wa.me", "linktr.ee", "forms.gle", "cutt.ly")
_SHORT_LINK_PREFIXES = tuple(f"{host}/" for host in SHORT_LINK_HOSTS)
_URL = re.compile(
    rf"(?:https?://|www\.)\S+|\b(?:{'|'.join(re.escape(h) for h in SHORT_LINK_HOSTS)})/\S*", re.IGNORECASE
)
# Digit runs with separators; classified by `_digits_replacement` into NIK (16 digits) or phone number.
# Patterns start with a character class (lookbehind second) so the regex engine can skip ahead fast.
_DIGITS = re.compile(r"[\d+](?<![\d+][\d+])\d?(?:[\s().-]{0,2}\d){7,17}(?!\d)")
_PLATE = re.compile(r"([A-Z])(?<![A-Za-z0-9][A-Z])([A-Z]?) ?\d{1,4} ?([A-Z]{1,3})(?![A-Za-z0-9])")
# Prefixes/suffixes that make "RT 05 RW", "KM 7 ARAH", "NO 12 A" look like plates but are not.
_NOT_PLATE = frozenset(
    {"RT", "RW", "KM", "NO", "GG", "JL", "KK", "RS", "RP", "PT", "CV", "UD", "SD", "TK", "HP", "WA", "KEL", "KEC"}
)
# Markers used by upstream exports that masked data before us.
_MASKED_MARKERS = {"[NIK]": "<nik>", "[TELEPON]": "<telepon>", "[EMAIL]": "<email>"}


# A digit run is replaced only when it holds a NIK (16 digits) or a phone number (9-15), so a text with fewer
# digits is left to the plate pattern, and one with none to nothing.
MIN_MASKED_DIGITS = 9
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")


def _digits_replacement(match: re.Match) -> str:
    raw = match.group()
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 16:
        return " <nik> "
    if digits.startswith(("0", "62")) and 9 <= len(digits) <= 15:
        return " <telepon> "
    return raw


def _plate_replacement(match: re.Match) -> str:
    if match.group(1) + match.group(2) in _NOT_PLATE or match.group(3) in _NOT_PLATE:
        return match.group()
    return " <plat> "


def _digit_count(text: str) -> int:
    """Decimal digits in `text` (what `\\d` matches), counted exactly while below `MIN_MASKED_DIGITS`; beyond
    that, or when the text holds a non-ASCII digit, `MIN_MASKED_DIGITS` or more."""
    count = sum(map(text.count, "0123456789"))
    if count < MIN_MASKED_DIGITS and not text.isascii() and _NON_ASCII_DIGIT.search(text):
        return MIN_MASKED_DIGITS
    return count


def mask_pii(text: str) -> str:
    """Replace e-mails, URLs, 16-digit NIKs, phone numbers and vehicle plates by placeholder tokens.

    Cheap substring tests and a digit count decide which patterns can match at all, so clean text costs a few
    scans (on Surabaya's complaints 42 % have no digit and 84 % fewer than the 9 a phone number needs).
    """
    text = unicodedata.normalize("NFKC", text)
    if "@" in text:
        text = _EMAIL.sub(" <email> ", text)
    lowered = text.lower()
    if "www." in lowered or "/" in text and ("://" in text or any(link in lowered for link in _SHORT_LINK_PREFIXES)):
        text = _URL.sub(" <url> ", text)
    if "[" in text:
        for marker, placeholder in _MASKED_MARKERS.items():
            text = text.replace(marker, f" {placeholder} ")
    digits = _digit_count(text)
    if digits >= MIN_MASKED_DIGITS:
        text = _DIGITS.sub(_digits_replacement, text)
    return _PLATE.sub(_plate_replacement, text) if digits else text


_ELONGATION = re.compile(r"([a-z])\1{2,}")
# Numbers survive only right after these words, where they carry a location ("rt 05", "jalan km 7").
NUMBER_CONTEXT = ("rt", "rw", "km", "gang", "gg", "blok")
# One token: a word (hyphenated, or "anak2" reduplication), a context word with its number
# ("rt 05"), or a placeholder ("<url>"). Other numbers are not tokens. The word comes first and the
# context is checked by lookbehind, which keeps the scan fast.
_TOKEN = re.compile(r"<?[a-z]+(?:(?:(?<=rt|rw|km|gg)|(?<=gang|blok))[\s.:]*\d+|(?:-[a-z]+)*2?)>?")
_SURFACE_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CONTEXT_NUMBER = re.compile(rf"({'|'.join(NUMBER_CONTEXT)})[\s.:]*(\d+)")

# Words never removed even when a stopword list contains them: negation and urgency change routing
# and priority.
KEEP_WORDS = frozenset(
    {"tidak", "tak", "belum", "bukan", "jangan", "segera", "darurat", "mohon", "tolong", "bahaya",
     "cepat", "parah", "sudah", "masih", "lagi", "rusak", "mati"}
)


def normalise(text: str) -> str:
    """NFKC, personal data masked, lower case, elongations collapsed ("lamaaaa" -> "lama")."""
    return _ELONGATION.sub(r"\1", mask_pii(text).lower())


def _phrase_pattern(phrases: dict[tuple[str, ...], str]) -> re.Pattern | None:
    """One regex matching any phrase as whole words separated by white space (longest first)."""
    if not phrases:
        return None
    alternatives = sorted((r"\s+".join(map(re.escape, words)) for words in phrases), key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b")


@cache
def _stemmer(excluded_roots: frozenset[str] = frozenset()):
    """One PySastrawi stemmer per process and set of excluded dictionary roots (created lazily, so forked
    or spawned workers build their own)."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return Stemmer(ArrayDictionary([w for w in StemmerFactory().get_words() if w not in excluded_roots]))


_STEM_CACHE: dict[tuple[frozenset[str], str], str] = {}
_CACHE_LIMIT = 1_000_000


def stem_word(word: str, excluded_roots: frozenset[str] = frozenset()) -> str:
    """Sastrawi stem of one already-normalised word, its dictionary without `excluded_roots`; memoised
    per process."""
    key = (excluded_roots, word)
    stem = _STEM_CACHE.get(key)
    if stem is None:
        stem = _stemmer(excluded_roots).stem_word(word)
        if len(_STEM_CACHE) < _CACHE_LIMIT:
            _STEM_CACHE[key] = stem
    return stem


def read_slang(path: str | os.PathLike | None = None) -> dict[str, str]:
    """Slang/abbreviation -> standard form, from a two-column CSV (`slang`, `standard`).

    A key of several words ("gas melon") is a phrase, replaced where its words stand next to each other.
    """
    path = Path(path) if path else data_dir() / "slang.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["slang"].strip().lower(): row["standard"].strip().lower() for row in csv.DictReader(fh)}


def read_wordlist(path: str | os.PathLike | None = None) -> frozenset[str]:
    """One word per line; `#` starts a comment."""
    path = Path(path) if path else data_dir() / "stopwords.txt"
    with open(path, encoding="utf-8") as fh:
        words = (line.split("#", 1)[0].strip().lower() for line in fh)
        return frozenset(w for w in words if w)


class ProcessCache:
    """Mixin: the attribute named by `_cache_name` is a per-process memo, left out of pickles
    (a saved model stays small and a loaded one refills its cache as it works)."""

    _cache_name = "_cache"

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop(self._cache_name, None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        setattr(self, self._cache_name, self._new_cache())

    def _new_cache(self) -> dict:
        return {}


class _TokenMemo(dict):
    """Raw token -> processed form; a missing token is resolved by `resolve` and kept (up to `_CACHE_LIMIT`), so a
    warm lookup is the dict's own `__getitem__`, callable from C through `map`."""

    __slots__ = ("resolve",)

    def __init__(self, resolve):
        super().__init__()
        self.resolve = resolve

    def __missing__(self, token: str) -> str:
        resolved = self.resolve(token)
        if len(self) < _CACHE_LIMIT:
            self[token] = resolved
        return resolved


class IndonesianPreprocessor(ProcessCache, BaseEstimator, TransformerMixin):
    """Text -> space-joined tokens: masked, normalised, slang expanded, stopwords dropped, stemmed.

    The slang, stopword and stem-exclusion lists are read from `data/` at fit time and stored on the
    estimator, so a pickled model does not depend on the files it was built from.
    """

    _cache_name = "_token_cache"

    def __init__(self, stem: bool = True, remove_stopwords: bool = True, slang_path=None, stopwords_path=None,
                 stem_exclusions_path=None):
        self.stem = stem
        self.remove_stopwords = remove_stopwords
        self.slang_path = slang_path
        self.stopwords_path = stopwords_path
        self.stem_exclusions_path = stem_exclusions_path

    def fit(self, X=None, y=None):
        slang = read_slang(self.slang_path)
        self.slang_ = {key: value for key, value in slang.items() if " " not in key}
        self.phrases_ = {tuple(key.split()): value for key, value in slang.items() if " " in key}
        self.phrase_pattern_ = _phrase_pattern(self.phrases_)
        self.phrase_heads_ = frozenset(words[:2] for words in self.phrases_)
        self.phrase_starts_ = frozenset(words[0] for words in self.phrases_)
        stopwords = read_wordlist(self.stopwords_path) if self.remove_stopwords else frozenset()
        self.stopwords_ = frozenset(stopwords - KEEP_WORDS)
        self.excluded_roots_ = read_wordlist(self.stem_exclusions_path or data_dir() / "stem_exclusions.txt")
        self._token_cache = self._new_cache()
        return self

    def _new_cache(self) -> _TokenMemo:
        return _TokenMemo(self._resolve)

    def _resolve(self, token: str) -> str:
        """Processed form of one raw token: "" when dropped, else space-joined words (memoised by `_TokenMemo`)."""
        if token in PLACEHOLDERS:
            return token
        context = _CONTEXT_NUMBER.fullmatch(token)
        if context:
            word, number = context.groups()
            return f"{word} {word}_{int(number)}"
        word = token.strip("<>")
        if word[-1] == "2":  # "anak2" is the informal spelling of "anak-anak"
            word = word[:-1]
        return " ".join(self._word_forms(_ELONGATION.sub(r"\1", word)))

    def _word_forms(self, word: str) -> list[str]:
        out = []
        excluded = getattr(self, "excluded_roots_", frozenset())  # models saved before exclusions had none
        for piece in self.slang_.get(word, word).split():
            if piece in self.stopwords_:
                continue
            parts = piece.split("-")
            if len(set(parts)) == 1:  # reduplication ("anak-anak") counts as the base word
                piece = parts[0]
            out.extend(stem_word(p, excluded) if self.stem else p for p in piece.split("-") if p)
        return out

    def raw_tokens(self, text) -> list[str]:
        """Tokens of masked, lower-cased text with phrases replaced, before slang/stopword/stemming.

        Never raises: non-strings become no tokens.
        """
        if not isinstance(text, str):
            return []
        lowered = mask_pii(text).lower()
        tokens = _TOKEN.findall(lowered)
        # Cheap set checks first: the phrase regex costs as much as tokenising and rarely matches.
        if (getattr(self, "phrases_", None)  # models saved before phrases had none
                and not self.phrase_starts_.isdisjoint(tokens)
                and not self.phrase_heads_.isdisjoint(pairwise(tokens))):
            tokens = _TOKEN.findall(self.phrase_pattern_.sub(self._phrase_standard, lowered))
        return tokens

    def _phrase_standard(self, match: re.Match) -> str:
        return self.phrases_.get(tuple(match.group().split()), match.group())

    def process(self, text) -> str:
        """Processed text of one complaint (never raises: non-strings become empty)."""
        if not isinstance(text, str):
            text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
        return self.process_tokens(self.raw_tokens(text))

    def process_tokens(self, tokens: list[str]) -> str:
        """`process` for raw tokens (`raw_tokens`), so callers can tokenise once for several views."""
        return " ".join(filter(None, map(self._token_cache.__getitem__, tokens)))

    def tokens(self, text: str) -> list[str]:
        """Processed tokens of one text."""
        return self.process(text).split()

    def transform(self, X: Iterable) -> list[str]:
        return [self.process(text) for text in X]

    def word_origins(self, text: str) -> dict[str, list[str]]:
        """Processed token -> the surface words of `text` it came from (for explanations).

        The words of a phrase are the origins of its standard form's tokens as well as of their own.
        """
        words = _SURFACE_WORD.findall(unicodedata.normalize("NFKC", text))
        lowered = [word.lower() for word in words]
        phrases = getattr(self, "phrases_", {})
        longest = max(map(len, phrases), default=0)
        origins: dict[str, list[str]] = {}

        def add(tokens: list[str], sources: list[str]) -> None:
            for stem in self.process_tokens(tokens).split():
                bucket = origins.setdefault(stem, [])
                bucket.extend(word for word in sources if word not in bucket)

        starts = getattr(self, "phrase_starts_", None)  # first words of the phrases (models saved before: none)
        for i, word in enumerate(words):
            add(_TOKEN.findall(lowered[i]), [word])
            if starts is not None and lowered[i] not in starts:
                continue
            for n in range(2, longest + 1):
                standard = phrases.get(tuple(lowered[i:i + n]))
                if standard is not None:
                    add(standard.split(), words[i:i + n])
        return origins

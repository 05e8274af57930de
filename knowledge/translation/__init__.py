"""Offline language identification and machine translation, without Rasa or HTTP.

- identify.py: which language a text is in (lingua-language-detector, offline).
- packages.py: argostranslate packages (.argosmodel) installed under the data folder.
- translator.py: translating with the installed packages, directly or through English.
"""

"""Tiny real translation packages: the `tiny_packages` fixture is in tests/conftest.py, shared
with the Telegram and world tests that talk Japanese through them."""

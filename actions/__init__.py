"""Rasa SDK actions: thin adapters from a conversation to knowledge/ and civic/."""

"""Stores Rasa loads by module path from endpoints.yml (run inside the Rasa environment)."""

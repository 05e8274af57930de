"""Input channels of the Rasa server (run inside the Rasa environment)."""

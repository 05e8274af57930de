"""The gateway: HTTP API, web chat, and the client that talks to Rasa."""

"""The counsellor side of the hand-off: API routes, the console's WebSocket, the console page."""

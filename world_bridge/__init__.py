"""The 3D world surface: NPC protocol, rooms, sessions and fan-out (built by its own issue)."""

"""The 3D world surface: the same agent as NPCs in rooms, over the WebSocket `/ws/world`.

protocol.py (messages, JSON Schema), config.py + rooms.yml (rooms and NPCs), bridge.py (sessions,
proximity, conversations), backplane.py (fan-out in-process or through Redis), routes.py (the
socket and the reference three.js client in client/, served at /world).
"""

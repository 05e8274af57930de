"""The 3D world surface: the same agent as NPCs in rooms, over the WebSocket `/ws/world`.

protocol.py (messages, JSON Schema), config.py + rooms.yml (rooms and NPCs), bridge.py (reads
sockets, routes messages), connection.py (one socket: outbox, writer, limits), session.py (hello,
resume, replaced sockets), presence.py (rooms: enter, leave, move, greetings), conversation.py
(talks to NPCs through the agent; `send_npc_say` to a conversation key), backplane.py (fan-out
in-process or through Redis), routes.py (the socket and the reference three.js client in client/,
served at /world).
"""

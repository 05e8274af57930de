"""The agent core every surface shares: reply schema, Rasa client, converse(), language choice.

Channels (bot/, world_bridge/) and actions (actions/) import from here; nothing here imports
them. It knows Rasa only over HTTP.
"""

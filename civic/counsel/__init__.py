"""The human 120 counsellor hand-off: queue, holding, transcript, closing, records.

No Rasa, HTTP or channel code here: agent/counsel_desk.py connects it to conversations, the
gateway's routes to counsellors.
"""

"""The action server: rasa-sdk's own, with the knowledge index warmed up as it starts.

Building the index (loading Kiwi and the embedding model, embedding any entry the cache has not
seen) takes seconds with a warm cache and about a minute on a fresh data folder; doing it at
start means the first citizen to ask does not pay for it.
"""

from __future__ import annotations

from rasa_sdk.__main__ import main

from actions.knowledge_answers import knowledge_base


def run() -> None:
    knowledge_base().warm_up()
    main()


if __name__ == "__main__":
    run()

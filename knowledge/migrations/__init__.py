"""Alembic migrations of the knowledge tables; run them with knowledge.database.migrate."""

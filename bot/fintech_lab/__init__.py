"""Fintech Lab live translation: rooms where people write in their own languages."""

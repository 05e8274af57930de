"""Domain services with no Rasa, HTTP or messenger in them."""

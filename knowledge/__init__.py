"""What Haechi knows: curated entries, search over them, and language handling."""

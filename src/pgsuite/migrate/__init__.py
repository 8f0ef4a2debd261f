"""Versioned migrations (yoyo-migrations underneath) and the repeatable sql/ step."""

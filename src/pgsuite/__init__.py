"""pgsuite: deploy, verify and report on a PostgreSQL schema."""

__version__ = "0.1.0"

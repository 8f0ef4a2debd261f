"""Renderings of one RunResults: text, JSON, JUnit XML (and the report's Markdown and HTML)."""

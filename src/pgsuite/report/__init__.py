"""Runs, baseline comparison and the regression report (Markdown and HTML, via jinja2)."""

"""The regression report's jinja2 templates, shipped in the wheel as pgsuite.report_templates."""

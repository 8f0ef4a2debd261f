"""`pgsuite verify`: the live catalog against declared expectations, lints and scenarios."""

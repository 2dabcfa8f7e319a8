"""Briefs: article summaries and story briefs with the sources compared."""

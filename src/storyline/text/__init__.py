"""Text stages: extract, furniture, repair."""

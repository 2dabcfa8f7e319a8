"""Grouping articles into stories and stories into threads."""

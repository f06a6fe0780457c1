"""Insight: statistics over the marts that product teams act on (key drivers, ...)."""

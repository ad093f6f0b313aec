"""Checkpoint, passes, passage log, household link page."""

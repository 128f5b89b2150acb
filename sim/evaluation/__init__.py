"""Evaluation: objectives, ratings and summaries, all computed from the event log."""

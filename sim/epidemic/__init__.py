"""Transmission from the index case, coupled to the response."""

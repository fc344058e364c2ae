"""Example backend used to demo awaitfix."""

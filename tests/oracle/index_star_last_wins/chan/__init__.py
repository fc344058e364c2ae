"""A package whose two modules bind the factory's name: sync in one, async in the other."""

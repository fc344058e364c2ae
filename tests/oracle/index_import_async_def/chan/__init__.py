"""A package whose `aio` module defines the factory's name as a coroutine function."""

"""Paths through modules that define the sync factory themselves: undecorated, or cached by functools (still
synchronous, so awaiting it raises)."""
import cached_module
import lru_module
import plain_module


async def plain_def():
    return await plain_module.use("plain_def")


async def cached_def():
    return await cached_module.use("cached_def")


async def lru_def():
    return await lru_module.use("lru_def")

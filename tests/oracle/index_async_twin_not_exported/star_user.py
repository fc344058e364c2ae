"""The sync factory from a star import whose module's `__all__` leaves the async twin out."""
from limited import *  # noqa: F403


async def star_without_twin():
    return (await get_websocket_manager("star_without_twin")).ctx  # noqa: F405

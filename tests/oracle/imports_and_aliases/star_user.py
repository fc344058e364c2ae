"""A star import binds the sync factory."""
from ws import *  # noqa: F403


async def star():
    return (await get_websocket_manager("star")).ctx  # noqa: F405

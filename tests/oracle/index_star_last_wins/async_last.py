"""The async module is star-imported last: its `async def` is what the name is at run time."""
from chan.manager import *  # noqa: F403
from chan.aio import *  # noqa: F403


async def async_star_last():
    return (await get_websocket_manager("async_star_last")).ctx  # noqa: F405

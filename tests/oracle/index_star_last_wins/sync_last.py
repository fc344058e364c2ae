"""The sync module is star-imported last: its sync `def` wins, and awaiting it raises TypeError."""
from chan.aio import *  # noqa: F403
from chan.manager import *  # noqa: F403


async def sync_star_last():
    return (await get_websocket_manager("sync_star_last")).ctx  # noqa: F405

"""A module defining its own sync factory, and awaiting it."""
import functools

import ws


@functools.lru_cache(maxsize=None)
def get_websocket_manager(ctx):
    return ws.Manager(ctx)


async def use(ctx):
    return (await get_websocket_manager(ctx)).ctx

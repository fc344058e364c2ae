"""Awaits the sync factory and lists it in an `__all__` built by `extend`."""
from ws import get_websocket_manager

__all__ = ["connect_listed"]
__all__.extend(["get_websocket_manager"])


async def connect_listed(ctx):
    return (await get_websocket_manager(ctx)).ctx

"""Imports both functions but exports only the sync one to star imports."""
from ws import get_websocket_manager, get_websocket_manager_async

__all__ = ["get_websocket_manager"]


async def connect(ctx):
    return await get_websocket_manager_async(ctx)

"""Awaits the sync factory; other modules import the factory's name from here."""
from ws import get_websocket_manager, get_websocket_manager_async


async def connect(ctx):
    return (await get_websocket_manager(ctx)).ctx


async def connect_async(ctx):
    return (await get_websocket_manager_async(ctx)).ctx

"""The factory's name, defined as a coroutine function: awaiting it is right."""
from ws import Manager


async def get_websocket_manager(ctx="default"):
    return Manager(ctx)

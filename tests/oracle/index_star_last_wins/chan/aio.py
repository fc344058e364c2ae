"""The same name, defined as a coroutine function."""
from ws import Manager


async def get_websocket_manager(ctx="default"):
    return Manager(ctx)

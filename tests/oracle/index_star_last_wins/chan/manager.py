"""The sync factory and its twin, as the pair names them."""
from ws import Manager


def get_websocket_manager(ctx="default"):
    return Manager(ctx)


async def get_websocket_manager_async(ctx="default"):
    return Manager(ctx)

"""The pair every oracle package uses: a sync factory and its coroutine twin."""


class Manager:
    """What both factories return. Not awaitable: `await get_websocket_manager(...)` raises TypeError."""

    def __init__(self, ctx):
        self.ctx = ctx

    def send(self, message):
        return f"{self.ctx}:{message}"

    async def connect(self):
        return f"connected:{self.ctx}"

    def __repr__(self):
        return f"Manager({self.ctx!r})"


def get_websocket_manager(ctx="default"):
    return Manager(ctx)


async def get_websocket_manager_async(ctx="default"):
    return Manager(ctx)

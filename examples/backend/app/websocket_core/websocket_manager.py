"""Factories for per-user WebSocket managers."""


class _UnifiedWebSocketManagerImplementation:
    """WebSocket manager bound to a single user context."""

    def __init__(self, user_context=None):
        self.user_context = user_context
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return message

    async def broadcast(self, message):
        return self.send(message)


def get_websocket_manager(user_context=None):
    """Return a manager for ``user_context``. This factory is synchronous."""
    return _UnifiedWebSocketManagerImplementation(user_context)


async def get_websocket_manager_async(user_context=None):
    """Return a manager for ``user_context``. This factory must be awaited."""
    return _UnifiedWebSocketManagerImplementation(user_context)

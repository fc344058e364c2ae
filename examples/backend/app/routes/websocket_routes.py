"""WebSocket route handlers.

``get_websocket_manager`` is synchronous: call it directly. Writing
``await get_websocket_manager(ctx)`` raises TypeError at run time; use
``await get_websocket_manager_async(ctx)`` when you need an awaitable.
"""

import asyncio
import functools

import app.websocket_core.websocket_manager as wsm
from app.websocket_core import websocket_manager
from app.websocket_core.websocket_manager import (
    _UnifiedWebSocketManagerImplementation,
    get_websocket_manager,
    get_websocket_manager_async,
)
from app.websocket_core.websocket_manager import (
    get_websocket_manager as create_websocket_manager,
)

CALL_LOG = []
registry = {}


def log_calls(func):
    """Record the name of every handler call."""

    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        CALL_LOG.append(func.__name__)
        return await func(*args, **kwargs)

    return wrapper


def register(manager):
    registry[manager.user_context["user_id"]] = manager
    return manager


async def handle_connect(ctx):
    manager = await get_websocket_manager(user_context=ctx)
    manager.send("connected")
    return manager


async def handle_reconnect(ctx):
    manager = await create_websocket_manager(ctx)
    manager.send("reconnected")
    return manager


async def handle_disconnect(ctx):
    manager = await websocket_manager.get_websocket_manager(ctx)
    manager.send("disconnected")
    return manager


async def handle_ping(ctx):
    manager = await wsm.get_websocket_manager(ctx)
    manager.send("pong")
    return manager


async def handle_subscribe(ctx, channel):
    manager = await get_websocket_manager(
        # managers are scoped to one user; never share them across requests
        user_context=ctx,
    )
    manager.send(f"subscribed:{channel}")
    return manager


async def get_manager(ctx):
    return await get_websocket_manager(ctx)


async def send_greeting(ctx):
    return (await get_websocket_manager(ctx)).send("hello")


async def register_connection(ctx):
    return register(manager=await get_websocket_manager(ctx))


async def resolve_manager(ctx, cached=None):
    return cached or await (get_websocket_manager(ctx))


async def maybe_manager(ctx):
    return await get_websocket_manager(ctx) if ctx is not None else None


async def notify(ctx, message):
    if (manager := await get_websocket_manager(ctx)) is not None:
        return manager.send(message)
    return None


async def broadcast_all(contexts, message):
    managers = [await get_websocket_manager(c) for c in contexts]
    for manager in managers:
        await manager.broadcast(message)
    return managers


async def handle_auth(ctx):
    manager: _UnifiedWebSocketManagerImplementation = await get_websocket_manager(ctx)
    manager.send("authenticated")
    return manager


async def handle_batch(contexts):
    async def connect_one(ctx):
        manager = await get_websocket_manager(ctx)
        manager.send("batch")
        return manager

    return await asyncio.gather(*(connect_one(ctx) for ctx in contexts))


@log_calls
async def handle_message(ctx, message):
    manager = await get_websocket_manager(ctx)
    return manager.send(message)


class ConnectionHandler:
    def __init__(self, ctx):
        self.ctx = ctx
        self.manager = None

    async def open(self):
        self.manager = await get_websocket_manager(self.ctx)
        self.manager.send("opened")
        return self.manager


async def handle_stream(ctx):
    # Correct: the async factory is awaited; `await get_websocket_manager(ctx)` would not be.
    manager = await get_websocket_manager_async(ctx)
    await manager.broadcast("stream started")
    return manager

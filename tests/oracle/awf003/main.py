"""AWF003: the sync factory's manager handed to an asyncio API that needs an awaitable; the fix passes the
coroutine of the async factory. Through `import asyncio as aio` and `from asyncio import gather` too."""
# broken: create_task gather wait_for shield ensure_future aliased_module from_import task_group run_in_thread
import asyncio
import asyncio as aio
from asyncio import gather as gather_all

import oracle
from ws import get_websocket_manager


async def create_task():
    return (await asyncio.create_task(get_websocket_manager("task"))).ctx


async def gather():
    managers = await asyncio.gather(get_websocket_manager("a"), get_websocket_manager("b"))
    return [m.ctx for m in managers]


async def wait_for():
    return (await asyncio.wait_for(get_websocket_manager("wait"), timeout=5)).ctx


async def shield():
    return (await asyncio.shield(get_websocket_manager("shield"))).ctx


async def ensure_future():
    return (await asyncio.ensure_future(get_websocket_manager("future"))).ctx


async def aliased_module():
    return (await aio.wait_for(get_websocket_manager("aio"), 5)).ctx


async def from_import():
    return [m.ctx for m in await gather_all(get_websocket_manager("from"))]


async def task_group():
    async with asyncio.TaskGroup() as tg:
        task = tg.create_task(get_websocket_manager("group"))
    return task.result().ctx


def run_sync():
    return asyncio.run(get_websocket_manager("run")).ctx


async def run_in_thread():
    return await asyncio.to_thread(run_sync)


async def to_thread_is_fine():
    return (await asyncio.to_thread(get_websocket_manager, "thread")).ctx


PATHS = [
    ("create_task", create_task, "task"),
    ("gather", gather, ["a", "b"]),
    ("wait_for", wait_for, "wait"),
    ("shield", shield, "shield"),
    ("ensure_future", ensure_future, "future"),
    ("aliased_module", aliased_module, "aio"),
    ("from_import", from_import, ["from"]),
    ("task_group", task_group, "group"),
    ("run_in_thread", run_in_thread, "run"),
    ("to_thread_is_fine", to_thread_is_fine, "thread"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

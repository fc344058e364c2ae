"""An awaited sync call handed to an asyncio API (or to `create_task` of any object), and an await of an awaited call: one run must reach the
fixed point (`create_task(F_async(x))`, not `create_task(F(x))`, which still raises). An await inside the
first iterable of a generator expression runs in the enclosing coroutine: dropping it is safe."""
# broken: create_task_of_awaited gather_of_awaited double_await genexp_first_iterable loop_of_a_call loop_of_a_call_plain
import asyncio

import oracle
from ws import get_websocket_manager


async def create_task_of_awaited():
    return (await asyncio.create_task(await get_websocket_manager("task"))).ctx


async def loop_of_a_call():
    # The method's object is a call, not a name: `create_task` still needs a coroutine.
    return (await asyncio.get_running_loop().create_task(await get_websocket_manager("loop"))).ctx


async def loop_of_a_call_plain():
    return (await asyncio.get_running_loop().create_task(get_websocket_manager("plain"))).ctx


async def gather_of_awaited():
    return [m.ctx for m in await asyncio.gather(await get_websocket_manager("gather"))]


async def double_await():
    return (await (await get_websocket_manager("double"))).ctx


async def genexp_first_iterable():
    return list(c for c in (await get_websocket_manager("ab")).ctx)


PATHS = [
    ("create_task_of_awaited", create_task_of_awaited, "task"),
    ("loop_of_a_call", loop_of_a_call, "loop"),
    ("loop_of_a_call_plain", loop_of_a_call_plain, "plain"),
    ("gather_of_awaited", gather_of_awaited, ["gather"]),
    ("double_await", double_await, "double"),
    ("genexp_first_iterable", genexp_first_iterable, ["a", "b"]),
]

if __name__ == "__main__":
    oracle.run(PATHS)

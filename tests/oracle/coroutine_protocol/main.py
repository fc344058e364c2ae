"""Calls of the coroutine protocol (`send(None)`, `close()`, `throw`, `cr_*`) act on the coroutine, not on a
manager: driving the coroutine by hand is correct code and must be left as it is."""
import oracle
from ws import get_websocket_manager_async


async def driven_by_hand():
    try:
        get_websocket_manager_async("hand").send(None)
    except StopIteration as done:
        return done.value.ctx
    return None


async def closed():
    coroutine = get_websocket_manager_async("closed")
    coroutine.close()
    return "closed"


async def frame_inspected():
    coroutine = get_websocket_manager_async("frame")
    name = coroutine.cr_code.co_name
    coroutine.close()
    return name


PATHS = [
    ("driven_by_hand", driven_by_hand, "hand"),
    ("closed", closed, "closed"),
    ("frame_inspected", frame_inspected, "get_websocket_manager_async"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

"""A coroutine assigned from the async factory and awaited a few statements later is correct code: `check`
must not report it and `diff` must not add an `await` (which would make `await coroutine` await a manager)."""
import asyncio

import oracle
from ws import get_websocket_manager_async


async def awaited_later():
    coroutine = get_websocket_manager_async("later")
    note = "between"
    del note
    return (await coroutine).ctx


async def awaited_in_tuple():
    coroutine = get_websocket_manager_async("tuple")
    pair = (await coroutine, 1)
    return pair[0].ctx


async def awaited_in_try():
    coroutine = get_websocket_manager_async("try")
    try:
        manager = await coroutine
    finally:
        pass
    return manager.ctx


async def awaited_under_timeout():
    coroutine = get_websocket_manager_async("timeout")
    async with asyncio.timeout(1):
        return (await coroutine).ctx


PATHS = [
    ("awaited_later", awaited_later, "later"),
    ("awaited_in_tuple", awaited_in_tuple, "tuple"),
    ("awaited_in_try", awaited_in_try, "try"),
    ("awaited_under_timeout", awaited_under_timeout, "timeout"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

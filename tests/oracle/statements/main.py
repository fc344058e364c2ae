"""Sites in every kind of statement: match/case (subject, guard, body), except* and except, try/finally,
with and async with, async for, while, assert, return, augmented and annotated assignment, del, raise."""
# broken: match_subject match_body match_guard except_star try_finally with_item async_with async_for
# broken: while_loop assert_stmt annotated augmented raise_from
import contextlib

import oracle
from ws import get_websocket_manager


async def match_subject():
    match (await get_websocket_manager("match")).ctx:
        case "match":
            return "matched"
        case _:
            return "no"


async def match_body():
    match "x":
        case "x":
            return (await get_websocket_manager("body")).ctx


async def match_guard():
    match "x":
        case "x" if (await get_websocket_manager("guard")).ctx == "guard":
            return "guarded"
    return "no"


async def except_star():
    try:
        raise ExceptionGroup("group", [ValueError("v")])
    except* ValueError:
        result = (await get_websocket_manager("except_star")).ctx
    return result


async def try_finally():
    result = []
    try:
        result.append(1)
    finally:
        result.append((await get_websocket_manager("finally")).ctx)
    return result


async def with_item():
    with contextlib.nullcontext(await get_websocket_manager("with")) as manager:
        return manager.ctx


@contextlib.asynccontextmanager
async def opened(value):
    yield value


async def async_with():
    async with opened(await get_websocket_manager("async_with")) as manager:
        return manager.ctx


async def numbers():
    for n in range(2):
        yield n


async def async_for():
    out = []
    async for n in numbers():
        out.append((await get_websocket_manager(n)).ctx)
    return out


async def while_loop():
    n = 0
    while (await get_websocket_manager(n)).ctx < 3:
        n += 1
    return n


async def assert_stmt():
    assert await get_websocket_manager("assert")
    return "asserted"


async def annotated():
    manager: object = await get_websocket_manager("annotated")
    return manager.ctx


async def augmented():
    total = "x"
    total += (await get_websocket_manager("y")).ctx
    return total


async def raise_from():
    try:
        raise ValueError((await get_websocket_manager("raised")).ctx)
    except ValueError as error:
        return str(error)


PATHS = [
    ("match_subject", match_subject, "matched"),
    ("match_body", match_body, "body"),
    ("match_guard", match_guard, "guarded"),
    ("except_star", except_star, "except_star"),
    ("try_finally", try_finally, [1, "finally"]),
    ("with_item", with_item, "with"),
    ("async_with", async_with, "async_with"),
    ("async_for", async_for, [0, 1]),
    ("while_loop", while_loop, 3),
    ("assert_stmt", assert_stmt, "asserted"),
    ("annotated", annotated, "annotated"),
    ("augmented", augmented, "xy"),
    ("raise_from", raise_from, "raised"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

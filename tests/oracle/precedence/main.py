"""Precedence traps: `await F(x).connect()` awaits `connect()`'s coroutine and is correct as it is, while
`(await F(x)).send()` awaits the manager; the parentheses that only existed around the await are dropped."""
# broken: awaited_then_attribute awaited_then_call awaited_in_call_chain double_parentheses
import oracle
from ws import get_websocket_manager


async def await_binds_to_connect():
    return await get_websocket_manager("trap").connect()


async def await_binds_to_connect_multiline():
    return await get_websocket_manager(
        "trap2",
    ).connect()


async def awaited_then_attribute():
    return (await get_websocket_manager("attribute")).ctx


async def awaited_then_call():
    return (await get_websocket_manager("call")).send("m")


async def awaited_in_call_chain():
    return await (await get_websocket_manager("chain")).connect()


async def double_parentheses():
    return ((await get_websocket_manager("double"))).ctx


PATHS = [
    ("await_binds_to_connect", await_binds_to_connect, "connected:trap"),
    ("await_binds_to_connect_multiline", await_binds_to_connect_multiline, "connected:trap2"),
    ("awaited_then_attribute", awaited_then_attribute, "attribute"),
    ("awaited_then_call", awaited_then_call, "call:m"),
    ("awaited_in_call_chain", awaited_in_call_chain, "connected:chain"),
    ("double_parentheses", double_parentheses, "double"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

"""AWF002: coroutines of the async factory that are never awaited. In an `async def` the fix adds `await`; in
a plain `def` it calls the sync factory. Coroutines handed on or returned stay as they are."""
# broken: used_as_manager attribute assigned_then_used module_attribute plain_def_used
# broken: plain_def_assigned nested_plain_def
import asyncio

import oracle
import ws
from ws import get_websocket_manager_async


async def bare_statement():
    # Fails only by the "never awaited" warning, which the oracle rejects after the fix.
    get_websocket_manager_async("bare")
    return "done"


async def used_as_manager():
    return get_websocket_manager_async("used").send("m")


async def attribute():
    return get_websocket_manager_async(ctx="attribute").ctx


async def assigned_then_used():
    manager = get_websocket_manager_async("assigned")
    manager.send("connected")
    return manager.ctx


async def module_attribute():
    return ws.get_websocket_manager_async("module").send("m")


def sync_used(ctx):
    return get_websocket_manager_async(ctx).send("m")


async def plain_def_used():
    return sync_used("plain")


def sync_assigned(ctx):
    manager = get_websocket_manager_async(ctx)
    return manager.ctx


async def plain_def_assigned():
    return sync_assigned("plain_assigned")


async def nested_plain_def():
    def inner():
        return get_websocket_manager_async("inner").ctx

    return inner()


async def handed_to_gather():
    managers = await asyncio.gather(get_websocket_manager_async("a"), ws.get_websocket_manager_async("b"))
    return [m.ctx for m in managers]


async def collected_then_gathered():
    tasks = [get_websocket_manager_async(c) for c in "ab"]
    return [m.ctx for m in await asyncio.gather(*tasks)]


def returned(ctx):
    return get_websocket_manager_async(ctx)


async def returned_from_plain_def():
    return (await returned("returned")).ctx


PATHS = [
    ("bare_statement", bare_statement, "done"),
    ("used_as_manager", used_as_manager, "used:m"),
    ("attribute", attribute, "attribute"),
    ("assigned_then_used", assigned_then_used, "assigned"),
    ("module_attribute", module_attribute, "module:m"),
    ("plain_def_used", plain_def_used, "plain:m"),
    ("plain_def_assigned", plain_def_assigned, "plain_assigned"),
    ("nested_plain_def", nested_plain_def, "inner"),
    ("handed_to_gather", handed_to_gather, ["a", "b"]),
    ("collected_then_gathered", collected_then_gathered, ["a", "b"]),
    ("returned_from_plain_def", returned_from_plain_def, "returned"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

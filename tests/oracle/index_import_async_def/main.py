"""Names imported from a module of the tree where they are `async def`: awaiting them works and must stay,
whether imported by name or read as the module's attribute. The sync factory beside them is still fixed; a
name the module binds by an assignment is left for review."""
# broken: sync_factory dynamic_binding
# review: dynamic_binding 1
import chan.aio
import oracle
from chan.aio import get_websocket_manager
from chan.dynamic import get_websocket_manager as assigned
from ws import get_websocket_manager as make_sync


async def imported_async_def():
    return (await get_websocket_manager("imported_async_def")).ctx


async def attribute_async_def():
    return (await chan.aio.get_websocket_manager("attribute_async_def")).ctx


async def sync_factory():
    return (await make_sync("sync_factory")).ctx


async def dynamic_binding():
    return (await assigned("dynamic_binding")).ctx


PATHS = [
    ("imported_async_def", imported_async_def, "imported_async_def"),
    ("attribute_async_def", attribute_async_def, "attribute_async_def"),
    ("sync_factory", sync_factory, "sync_factory"),
    ("dynamic_binding", dynamic_binding, "dynamic_binding"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

"""Every way a name reaches the sync factory: plain and aliased imports, modules and their aliases, a module
imported from a package, function-local imports, a star import, a same-file `def` under `functools.cache`."""
# broken: plain alias module module_alias package_module local_import local_import_alias star cached_def
# broken: lru_def plain_def
import oracle
import ws
import ws as wsm
from app import websocket
from ws import get_websocket_manager
from ws import get_websocket_manager as create_websocket_manager

from cached_defs import cached_def, lru_def, plain_def
from star_user import star


async def plain():
    return (await get_websocket_manager("plain")).ctx


async def alias():
    return (await create_websocket_manager("alias")).ctx


async def module():
    return (await ws.get_websocket_manager("module")).ctx


async def module_alias():
    return (await wsm.get_websocket_manager("module_alias")).ctx


async def package_module():
    return (await websocket.get_websocket_manager("package_module")).ctx


async def local_import():
    from ws import get_websocket_manager as make

    return (await make("local_import")).ctx


async def local_import_alias():
    import ws as local_ws

    manager = await local_ws.get_websocket_manager(ctx="local_import_alias")
    return manager.ctx


async def async_twin_untouched():
    return (await get_websocket_manager_async_ref("twin")).ctx


get_websocket_manager_async_ref = ws.get_websocket_manager_async


PATHS = [
    ("plain", plain, "plain"),
    ("alias", alias, "alias"),
    ("module", module, "module"),
    ("module_alias", module_alias, "module_alias"),
    ("package_module", package_module, "package_module"),
    ("local_import", local_import, "local_import"),
    ("local_import_alias", local_import_alias, "local_import_alias"),
    ("async_twin_untouched", async_twin_untouched, "twin"),
    ("star", star, "star"),
    ("cached_def", cached_def, "cached_def"),
    ("lru_def", lru_def, "lru_def"),
    ("plain_def", plain_def, "plain_def"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

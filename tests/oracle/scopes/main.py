"""Name resolution by Python's scoping rules: nonlocal and global, class bodies (whose names methods do not
see), parameters and local assignments that shadow the factory, a local `async def` of the same name."""
# broken: global_use nonlocal_closure class_method class_body_call nested_def
import oracle
import ws
from ws import get_websocket_manager

CURRENT = None


async def global_use():
    global CURRENT
    CURRENT = await get_websocket_manager("global")
    return CURRENT.ctx


async def nonlocal_closure():
    manager = None

    async def inner():
        nonlocal manager
        manager = await get_websocket_manager("nonlocal")

    await inner()
    return manager.ctx


class Service:
    get_websocket_manager = staticmethod(ws.get_websocket_manager_async)  # a class attribute: methods do not see it

    async def method(self):
        return (await get_websocket_manager("class_method")).ctx

    async def through_self(self):
        return (await self.get_websocket_manager("self")).ctx


async def class_method():
    return await Service().method()


async def through_self():
    return await Service().through_self()


async def class_body_call():
    class Local:
        async def run(self):
            return (await get_websocket_manager("class_body")).ctx

    return await Local().run()


async def parameter_shadows(get_websocket_manager=ws.get_websocket_manager_async):
    return (await get_websocket_manager("parameter")).ctx


async def assignment_shadows():
    get_websocket_manager = ws.get_websocket_manager_async
    return (await get_websocket_manager("assigned")).ctx


async def local_async_def():
    async def get_websocket_manager(ctx):
        return ws.Manager(ctx)

    return (await get_websocket_manager("local_async")).ctx


async def nested_def():
    async def inner():
        return (await get_websocket_manager("nested")).ctx

    return await inner()


PATHS = [
    ("global_use", global_use, "global"),
    ("nonlocal_closure", nonlocal_closure, "nonlocal"),
    ("class_method", class_method, "class_method"),
    ("through_self", through_self, "self"),
    ("class_body_call", class_body_call, "class_body"),
    ("parameter_shadows", parameter_shadows, "parameter"),
    ("assignment_shadows", assignment_shadows, "assigned"),
    ("local_async_def", local_async_def, "local_async"),
    ("nested_def", nested_def, "nested"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

"""Sites inside expressions: arguments, subscripts, conditions, comprehensions, f-strings, walrus, boolean and
unary operators, multi-line calls with comments, parentheses around the await."""
# broken: argument keyword subscript condition ternary list_comp dict_comp set_comp fstring fstring_spec
# broken: walrus boolean unary multiline parenthesised chained tuple lambda_default
import oracle
from ws import get_websocket_manager


async def argument():
    return str(await get_websocket_manager("argument"))


async def keyword():
    return dict(m=await get_websocket_manager(ctx="keyword"))["m"].ctx


async def subscript():
    table = {"subscript": 1}
    return table[(await get_websocket_manager("subscript")).ctx]


async def condition():
    if (await get_websocket_manager("condition")).ctx == "condition":
        return "yes"
    return "no"


async def ternary():
    return (await get_websocket_manager("ternary")).ctx if True else None


async def list_comp():
    return [(await get_websocket_manager(c)).ctx for c in "ab"]


async def dict_comp():
    return {c: (await get_websocket_manager(c)).ctx for c in "ab"}


async def set_comp():
    return {(await get_websocket_manager(c)).ctx for c in "ab" if await get_websocket_manager(c)}


async def fstring():
    return f"<{await get_websocket_manager('fstring')}>"


async def fstring_spec():
    return f"{(await get_websocket_manager('spec')).ctx:>6}|{await get_websocket_manager('r')!r}"


async def walrus():
    if (manager := await get_websocket_manager("walrus")) is not None:
        return manager.ctx
    return None


async def boolean():
    return (None or await get_websocket_manager("boolean")).ctx


async def unary():
    return not await get_websocket_manager("unary")


async def multiline():
    manager = await get_websocket_manager(  # the factory
        # the context
        ctx="multi"
        "line",
    )
    return manager.ctx


async def parenthesised():
    return (await (get_websocket_manager("parenthesised"))).ctx


async def chained():
    return (await get_websocket_manager("chained")).send("hello")


async def tuple_():
    first, second = await get_websocket_manager("a"), await get_websocket_manager("b")
    return first.ctx + second.ctx


async def lambda_default():
    make = lambda ctx, m=None: m  # noqa: E731
    return make(1, m=(await get_websocket_manager("lambda")).ctx)


PATHS = [
    ("argument", argument, "Manager('argument')"),
    ("keyword", keyword, "keyword"),
    ("subscript", subscript, 1),
    ("condition", condition, "yes"),
    ("ternary", ternary, "ternary"),
    ("list_comp", list_comp, ["a", "b"]),
    ("dict_comp", dict_comp, {"a": "a", "b": "b"}),
    ("set_comp", set_comp, {"a", "b"}),
    ("fstring", fstring, "<Manager('fstring')>"),
    ("fstring_spec", fstring_spec, "  spec|Manager('r')"),
    ("walrus", walrus, "walrus"),
    ("boolean", boolean, "boolean"),
    ("unary", unary, False),
    ("multiline", multiline, "multiline"),
    ("parenthesised", parenthesised, "parenthesised"),
    ("chained", chained, "chained:hello"),
    ("tuple", tuple_, "ab"),
    ("lambda_default", lambda_default, "lambda"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

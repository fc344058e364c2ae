"""A generator expression with two awaits is an async generator: dropping them makes a plain generator, so
`async for` over it fails; it must be left for review like the one-await case. `f"{await F(ctx)=}"` prints
its expression's text: dropping the await changes what it prints, so it is left for review too (or its
text kept)."""
# broken: genexp_two_awaits debug_fstring
# review: genexp_two_awaits 2
# review: debug_fstring 1
import oracle
from ws import get_websocket_manager


async def genexp_two_awaits():
    pairs = ((await get_websocket_manager(x)).ctx + (await get_websocket_manager(x)).ctx for x in "ab")
    return [p async for p in pairs]


async def debug_fstring():
    return f"{(await get_websocket_manager('d')).ctx=}"


PATHS = [
    ("genexp_two_awaits", genexp_two_awaits, ["aa", "bb"]),
    ("debug_fstring", debug_fstring, "(await get_websocket_manager('d')).ctx='d'"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

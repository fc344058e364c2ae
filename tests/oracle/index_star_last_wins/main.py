"""Star imports from modules of the tree: the last one that binds the name wins, as at run time. Awaiting the
`async def` it binds works and must stay; awaiting the sync `def` raises and is fixed."""
# broken: sync_star_last
import oracle
from async_last import async_star_last
from sync_last import sync_star_last

PATHS = [
    ("async_star_last", async_star_last, "async_star_last"),
    ("sync_star_last", sync_star_last, "sync_star_last"),
]

if __name__ == "__main__":
    oracle.run(PATHS)

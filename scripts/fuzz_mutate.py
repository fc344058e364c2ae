"""Mutants for scripts/fuzz_rewrites.py: real files with pair calls planted inside their async functions.

A file is parsed once and cut into units: each top-level statement that holds an async function, after the
file's top-level imports (mutants stay small, so that a run tries many). A unit's plantable places are every expression node inside an async function (its body,
and the decorators and defaults of functions nested in it: they are evaluated in the coroutine) and every
statement that starts its own line there. A mutant replaces one to three non-overlapping expressions with a
snippet, or inserts a statement, adds the import of the pair after the docstring and `__future__` imports,
and is kept only if CPython compiles it (`await` outside a coroutine, in a lambda or a class body is not).
"""
import ast
from dataclasses import dataclass

SYNC = "get_websocket_manager"
ASYNC = "get_websocket_manager_async"
IMPORT = f"from ws import {SYNC}, {ASYNC}\n"

# (weight, template); `{i}` is the indentation of the line the snippet lands on.
EXPRESSIONS = [
    (6, f"await {SYNC}(ctx)"),
    (4, f"(await {SYNC}(ctx))"),
    (3, f"{SYNC}(ctx)"),
    (2, f"await {ASYNC}(ctx)"),
    (2, f"(await {SYNC}(ctx)).ctx"),
    (2, f"await {SYNC}(ctx).connect()"),
    (2, f"(await {SYNC}(\n{{i}}        ctx,  # the context\n{{i}}    ))"),
    (1, f"await {SYNC}(user_context=ctx)"),
]
STATEMENTS = [
    (2, f"{ASYNC}(ctx)"),
    (2, f"manager = await {SYNC}(ctx)"),
    (1, f"{ASYNC}(ctx).send('m')"),
]


@dataclass
class Mutant:
    origin: str
    text: str


@dataclass
class Unit:
    """A piece of a real file: its imports, then one top-level statement that holds an async function."""

    data: bytes
    expressions: list  # (start, end, indentation) byte ranges of plantable expressions
    statements: list  # (start, indentation) of statements that start their line
    import_at: int


# A unit larger than this is left out: it costs more to parse for no new shape.
MAX_UNIT = 12_000

_cache = {}


def units(path):
    if path not in _cache:
        try:
            _cache[path] = list(_units(path))
        except (SyntaxError, ValueError, OSError, UnicodeDecodeError):
            _cache[path] = []
    return _cache[path]


def _units(path):
    """Each top-level statement holding an async function, with the file's top-level imports before it (so
    that `asyncio` and the like are bound as in the file)."""
    with open(path, "rb") as f:
        data = f.read()
    tree = ast.parse(data)
    lines = data.split(b"\n")

    def segment(node):
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        return b"\n".join(lines[first - 1:node.end_lineno]) + b"\n"

    future = [s for s in tree.body if isinstance(s, ast.ImportFrom) and s.module == "__future__"]
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom)) and s not in future]
    head = b"".join(segment(s) for s in future)
    rest = b"".join(segment(s) for s in imports)
    for node in tree.body:
        if not any(isinstance(n, ast.AsyncFunctionDef) for n in ast.walk(node)):
            continue
        body = segment(node)
        if len(body) > MAX_UNIT or node.col_offset:
            continue
        text = head + rest + b"\n\n" + body
        unit_tree = ast.parse(text)
        line_starts = [0]
        for i, byte in enumerate(text):
            if byte == 10:
                line_starts.append(i + 1)
        places = _Places(text, line_starts)
        places.visit(unit_tree)
        if places.expressions:
            yield Unit(text, places.expressions, places.statements, len(head))


class _Places(ast.NodeVisitor):
    def __init__(self, data, line_starts):
        self.data, self.line_starts = data, line_starts
        self.expressions, self.statements = [], []
        self.depth = 0  # async functions around the node

    def offset(self, line, col):
        return self.line_starts[line - 1] + col

    def indentation(self, line):
        start = self.line_starts[line - 1]
        text = self.data[start:start + 200]
        return len(text) - len(text.lstrip(b" "))

    def visit_AsyncFunctionDef(self, node):
        self.visit_outer_parts(node)
        self.depth += 1
        for statement in node.body:
            self.visit(statement)
        self.depth -= 1

    def visit_FunctionDef(self, node):
        self.visit_outer_parts(node)
        for statement in node.body:
            self.visit(statement)

    def visit_outer_parts(self, node):
        self.statement(node)
        for part in node.decorator_list + node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(part)

    def visit_ClassDef(self, node):
        self.statement(node)
        for part in node.decorator_list + node.bases:
            self.visit(part)
        depth, self.depth = self.depth, 0  # a class body is no coroutine
        for statement in node.body:
            self.visit(statement)
        self.depth = depth

    def visit_JoinedStr(self, node):
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value.value)

    def statement(self, node):
        if self.depth and isinstance(node, ast.stmt):
            start = self.offset(node.lineno, node.col_offset)
            if self.data[self.line_starts[node.lineno - 1]:start].strip() == b"":
                self.statements.append((start, node.col_offset))

    def generic_visit(self, node):
        self.statement(node)
        if (
            self.depth
            and isinstance(node, ast.expr)
            and not isinstance(node, (ast.Starred, ast.FormattedValue, ast.Slice))
            and getattr(node, "ctx", ast.Load()).__class__ is ast.Load
            and node.end_lineno is not None
        ):
            start = self.offset(node.lineno, node.col_offset)
            end = self.offset(node.end_lineno, node.end_col_offset)
            self.expressions.append((start, end, self.indentation(node.lineno)))
        super().generic_visit(node)


def _pick(rng, weighted):
    return rng.choices([t for _, t in weighted], weights=[w for w, _ in weighted])[0]


def mutate(rng, path):
    """A compiling mutant of the file at `path`, or None when this draw gave none."""
    choices = units(path)
    if not choices:
        return None
    p = rng.choice(choices)
    edits = []
    for _ in range(rng.choice((1, 1, 2, 3))):
        if p.statements and rng.random() < 0.15:
            start, indent = rng.choice(p.statements)
            edits.append((start, start, _pick(rng, STATEMENTS) + "\n" + " " * indent))
        else:
            start, end, indent = rng.choice(p.expressions)
            edits.append((start, end, _pick(rng, EXPRESSIONS).replace("{i}", " " * indent)))
    edits.sort()
    if any(a[1] > b[0] or (a[0] == b[0]) for a, b in zip(edits, edits[1:])):
        return None
    data = p.data
    for start, end, snippet in reversed(edits):
        data = data[:start] + snippet.encode() + data[end:]
    data = data[:p.import_at] + IMPORT.encode() + data[p.import_at:]
    try:
        text = data.decode("utf-8")
        compile(text, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None
    return Mutant(path, text)

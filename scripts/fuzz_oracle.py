"""The oracle of scripts/fuzz_rewrites.py: what `awaitfix apply` must make of a mutant, derived from its AST.

Sites, with F the sync factory and F_async its twin (both imported from `ws` at module level):

- `await F(...)` (AWF001): `--prefer sync` drops the await, `--prefer async` calls F_async (await kept);
  left as it is inside the body of a `with` that expects the TypeError in the same function (`raises`,
  `assertRaises`, `assertRaisesRegex` with TypeError, Exception or BaseException first, in a tuple or as
  `expected_exception=`); and left for review by `--prefer sync` when the awaits it is among are all of a
  generator expression's awaits and the generator has no `async for` (dropping them would make it a plain
  generator; its first iterable runs in the enclosing coroutine and does not count), while `--prefer
  async` keeps the await and calls F_async.
- `F(...)` as a positional argument of an asyncio API (`asyncio.X` with X in awf003.rs's list, through an
  `import asyncio [as a]` that is the name's only binding; `from asyncio import X`; any `.create_task` or
  `.run_until_complete`), also unpacked from a collection or comprehension into it, or in the iterable that
  `as_completed` takes (AWF003): F_async in both modes; intent as above (the API raises the TypeError).
- `F_async(...)` as a statement, as the object of an attribute that is no part of the coroutine protocol,
  or subscripted (AWF002): awaited in a coroutine, `F(...)` in a plain function (an unawaited coroutine raises
  nothing, so no intent). Decorators, defaults and annotations belong to the scope around their function.
- Anything else stays as it is.

`PENDING` names the shapes known to be handled wrongly today, with the correct outcome modelled:
mutants holding one are counted apart by `--strict`.
"""
import ast

from fuzz_mutate import ASYNC, SYNC

PENDING: dict[str, str] = {}

ASYNCIO = {"wait_for", "gather", "shield", "create_task", "ensure_future", "run"}
METHODS = {"run_until_complete", "create_task"}
ASSERTIONS = {"raises", "assertRaises", "assertRaisesRegex"}
EXCEPTIONS = {"TypeError", "Exception", "BaseException"}
PROTOCOL = {"throw", "close", "__await__"}  # and `send(None)`, `cr_*`
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def is_call_of(node, name):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


class Classifier:
    """Walks a mutant's AST once and decides each site's action and pending class."""

    def __init__(self, tree, text):
        self.tree, self.lines = tree, text.encode().split(b"\n")
        self.parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.bindings = _module_bindings(tree)
        self.actions = {}  # node -> {"sync": action, "async": action}
        self.pending = set()

    def ancestors(self, node):
        while node in self.parents:
            child, node = node, self.parents[node]
            yield child, node

    def scopes_around(self, node):
        """The functions whose body holds `node`: decorators, defaults and annotations run outside."""
        for child, parent in self.ancestors(node):
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)) and child in parent.body:
                yield parent
            elif isinstance(parent, ast.Lambda) and child is parent.body:
                yield parent
            elif isinstance(parent, ast.ClassDef) and child in parent.body:
                yield parent

    def run(self):
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Await) and is_call_of(node.value, SYNC):
                self.awf001(node)
            elif is_call_of(node, SYNC) and not isinstance(self.parents.get(node), ast.Await):
                if not self.api_argument(node):
                    continue
                if self.intentional(node):
                    self.pending.add("awf003-intent")
                else:
                    self.actions[node] = {"sync": "rename", "async": "rename"}
            elif is_call_of(node, ASYNC):
                self.awf002(node)
        return self

    def awf001(self, site):
        if self.intentional(site):
            return
        parent = self.parents.get(site)
        if isinstance(parent, ast.Await):
            self.pending.add("await-of-await")
            self.actions[parent] = {"sync": "unwrap", "async": "unwrap"}
            self.fix_awf001(site)
            return
        if self.api_argument(site):
            self.pending.add("awaited-api-argument")
            self.actions[site] = {"sync": "drop_rename", "async": "drop_rename"}
            return
        if self.fstring_debug(site):
            self.pending.add("fstring-debug")
            return
        generator, first_iterable = self.generator_of(site)
        if first_iterable:
            self.pending.add("genexp-first-iterable")
        if generator is not None:
            awaits = _awaits_of_generator(generator)
            if not any(g.is_async for g in generator.generators) and all(
                is_call_of(a.value, SYNC) for a in awaits
            ):
                if len(awaits) > 1:
                    self.pending.add("genexp-awaits")
                self.actions[site.value] = {"async": "rename"}  # the await stays: the generator stays async
                return
        self.fix_awf001(site)

    def fix_awf001(self, site):
        self.actions[site] = {"sync": "drop"}
        self.actions[site.value] = {"async": "rename"}

    def awf002(self, call):
        parent = self.parents.get(call)
        if isinstance(parent, ast.Attribute) and self.coroutine_protocol(parent):
            self.pending.add("coroutine-protocol")
            return
        used = isinstance(parent, (ast.Expr, ast.Attribute)) or (
            isinstance(parent, ast.Subscript) and parent.value is call
        )
        if not used:
            return
        scope = next(self.scopes_around(call), None)
        if isinstance(scope, ast.AsyncFunctionDef):
            self.actions[call] = {"sync": "await", "async": "await"}
        elif isinstance(scope, ast.FunctionDef):
            self.actions[call] = {"sync": "to_sync", "async": "to_sync"}

    def coroutine_protocol(self, attribute):
        if attribute.attr in PROTOCOL or attribute.attr.startswith("cr_"):
            return True
        call = self.parents.get(attribute)
        return (
            attribute.attr == "send"
            and isinstance(call, ast.Call)
            and call.func is attribute
            and [ast.dump(a) for a in call.args] == [ast.dump(ast.Constant(None))]
        )

    def api_argument(self, call):
        """Whether `call`'s value reaches an asyncio API that needs awaitables: as a positional argument,
        unpacked from a collection or comprehension (`gather(*[F(c) for c in cs])`, `*(F(c) for ...)`), or
        in the iterable `as_completed` takes (`as_completed([F(c) ...])`, `as_completed(F(c) for ...)`)."""
        node, collected, unpacked = call, False, False
        while True:
            parent = self.parents.get(node)
            if isinstance(parent, (ast.List, ast.Tuple, ast.Set)) and not collected:
                collected = True
            elif isinstance(parent, (ast.ListComp, ast.SetComp, ast.GeneratorExp)) and not collected:
                if parent.elt is not node:
                    return False
                collected = True
            elif isinstance(parent, ast.Starred) and collected and not unpacked:
                unpacked = True
            else:
                break
            node = parent
        receiver = parent
        if not isinstance(receiver, ast.Call) or node not in receiver.args:
            return False
        if collected and not unpacked:
            func = receiver.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            return name == "as_completed" and self.asyncio_function(func, {"as_completed"})
        func = receiver.func
        if not isinstance(func, (ast.Attribute, ast.Name)):
            return False
        return self.asyncio_function(func, ASYNCIO) or (isinstance(func, ast.Attribute) and func.attr in METHODS)

    def asyncio_function(self, func, names):
        """Whether `func` is `asyncio.X` (through a plain `import asyncio [as a]`) or `X` from `from asyncio
        import X`, with X among `names`."""
        if isinstance(func, ast.Attribute):
            return (
                func.attr in names
                and isinstance(func.value, ast.Name)
                and self.bindings.get(func.value.id) == {("import", "asyncio")}
            )
        if isinstance(func, ast.Name):
            kinds = self.bindings.get(func.id, set())
            return bool(kinds) and all(k[0] == "from" and k[1] in names for k in kinds)
        return False

    def intentional(self, site):
        scope = next(self.scopes_around(site), None)
        for child, node in self.ancestors(site):
            if node is scope:
                return False
            if isinstance(node, (ast.With, ast.AsyncWith)) and child in node.body:
                if any(_expects_type_error(item.context_expr) for item in node.items):
                    if self.line_text(node).lstrip().split(b"with", 1)[-1].lstrip().startswith(b"("):
                        self.pending.add("parenthesised-with")
                    return True
        return False

    def generator_of(self, site):
        """The generator expression whose await `site` is (None if none), and whether `site` is in the first
        iterable of some generator expression around it."""
        first_iterable = False
        scope = next(self.scopes_around(site), None)
        for child, node in self.ancestors(site):
            if node is scope:
                return None, first_iterable
            if isinstance(node, ast.GeneratorExp):
                if child is node.generators[0]:
                    first_iterable |= _inside(site, node.generators[0].iter)
                    if first_iterable:
                        continue
                return node, first_iterable
        return None, first_iterable

    def fstring_debug(self, site):
        for child, node in self.ancestors(site):
            if isinstance(node, ast.FormattedValue) and child is node.value:
                line = self.lines[child.end_lineno - 1][child.end_col_offset:]
                rest = line.lstrip()
                return rest.startswith(b"=") and not rest.startswith(b"==")
        return False

    def line_text(self, node):
        return self.lines[node.lineno - 1][node.col_offset:]


def _inside(node, root):
    return any(n is node for n in ast.walk(root))


def _awaits_of_generator(generator):
    """The awaits that make `generator` async: in its element and its clauses but its first iterable, not in a
    nested function."""
    parts = [generator.elt] + [g.target for g in generator.generators]
    parts += [g.iter for g in generator.generators[1:]] + [c for g in generator.generators for c in g.ifs]
    out, stack = [], parts
    while stack:
        node = stack.pop()
        if isinstance(node, SCOPES):
            continue
        if isinstance(node, ast.Await):
            out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def _expects_type_error(expr):
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
    if name not in ASSERTIONS:
        return False
    candidates = [expr.args[0]] if expr.args else []
    candidates += [k.value for k in expr.keywords if k.arg in ("expected_exception", "exception")]
    for c in candidates:
        names = c.elts if isinstance(c, ast.Tuple) else [c]
        if any(isinstance(n, ast.Name) and n.id in EXCEPTIONS for n in names):
            return True
    return False


def _module_bindings(tree):
    """Every binding of each name anywhere in the file, by kind: ("import", module) for `import m [as n]`,
    ("from", name) for `from asyncio import name [as n]`, ("other",) for anything else."""
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out.setdefault(a.asname or a.name.split(".")[0], set()).add(("import", a.name if a.asname or "." not in a.name else a.name.split(".")[0]))
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                kind = ("from", a.name) if node.module == "asyncio" and not node.level else ("other",)
                out.setdefault(a.asname or a.name, set()).add(kind)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            out.setdefault(node.id, set()).add(("other",))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.setdefault(node.name, set()).add(("other",))
        elif isinstance(node, ast.arg):
            out.setdefault(node.arg, set()).add(("other",))
    return out


def _key(node):
    """A node's identity across two parses of the same text: no two nodes of one type share a span."""
    return (type(node), node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)


class _Apply(ast.NodeTransformer):
    def __init__(self, actions, mode):
        self.actions, self.mode = actions, mode

    def visit(self, node):
        action = self.actions.get(_key(node), {}).get(self.mode) if hasattr(node, "lineno") else None
        node = self.generic_visit(node)
        if action in ("drop", "unwrap"):
            return node.value
        if action == "rename":
            node.func = ast.Name(ASYNC, ast.Load())
        elif action == "drop_rename":
            node = node.value
            node.func = ast.Name(ASYNC, ast.Load())
        elif action == "await":
            return ast.Await(node)
        elif action == "to_sync":
            node.func = ast.Name(SYNC, ast.Load())
        return node


def expected(tree, text):
    """The expected AST of each mode (a dump, the `ws` import left out), and the pending classes: those the
    classifier tells apart that `PENDING` still lists (a class whose fix landed is judged like any other)."""
    classifier = Classifier(tree, text).run()
    out = {}
    actions = {_key(n): a for n, a in classifier.actions.items()}
    for mode in ("sync", "async"):
        fresh = ast.parse(text)  # costs less than a deep copy
        out[mode] = dump_without_import(_Apply(actions, mode).visit(fresh))[0]
    return out, classifier.pending & PENDING.keys()


def dump_without_import(tree):
    """The AST's dump without the module-level `from ws import ...`, and the names that import binds (None
    when there is not exactly one such import)."""
    imports = [s for s in tree.body if isinstance(s, ast.ImportFrom) and s.module == "ws"]
    tree.body = [s for s in tree.body if s not in imports]
    names = [a.name for a in imports[0].names if a.asname is None] if len(imports) == 1 else None
    return ast.dump(tree), names


def import_problem(tree, names):
    """Why the result's `ws` import is wrong, or None: it must bind each pair name the result uses, once."""
    if names is None:
        return "not exactly one `from ws import` left"
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in (SYNC, ASYNC)}
    if len(set(names)) != len(names) or not set(names) <= {SYNC, ASYNC} or not used <= set(names):
        return f"`from ws import {', '.join(names)}` for uses {sorted(used)}"
    return None

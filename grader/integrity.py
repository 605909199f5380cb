"""Integrity checks that read a submission before it runs (the integrity guard checks it as it runs).

- ``tampering``: locked cells the student deleted or edited (nbgrader puts them back; the CSV says so);
- ``rebound_helpers``: answer cells that rebind a helper the tests use (``expect = lambda *a: None``);
- ``suspicious_code``: answer cells and cells the student added that use what honest answers do
  not need and that can reach the tests: exec/eval, get_ipython, builtins, gc, ctypes, the call
  stack, code objects, or assignments to attributes of modules (``torch.allclose = ...``).

The last two only flag (status ``flagged``, "check by hand"): the guard in the kernel
(grader/guard.py) is what keeps such code from changing a score.
"""
import ast


def tampering(submitted, released):
    """Notes on locked cells of the released notebook that the student deleted, edited or made
    another kind of cell, and on answer cells made another kind.

    While autograding nbgrader reverts edits to locked cells (their kind included) and puts back
    deleted test cells (OverwriteCells); the notes only say it happened.
    """
    by_id = {}
    for cell in submitted.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            by_id.setdefault(grade_id, cell)
    notes = []
    for cell in released.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("locked") or meta.get("solution"):
            continue
        kind = "test cell" if meta.get("grade") else "locked cell"
        mine = by_id.get(meta["grade_id"])
        if mine is None and meta.get("grade"):
            notes.append(f"deleted {kind} {meta['grade_id']} restored")
        elif mine is None:  # nbgrader puts back graded cells only
            notes.append(f"deleted {kind} {meta['grade_id']} (not restored)")
        elif mine.get("cell_type") != cell.cell_type:
            notes.append(f"{kind} {meta['grade_id']} made {mine.get('cell_type')}, restored")
        elif mine.get("source") != cell.source:
            notes.append(f"edited {kind} {meta['grade_id']} restored")
    answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.cell_type for c in released.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for grade_id, cell_type in answers.items():
        mine = by_id.get(grade_id)
        if mine is not None and mine.get("cell_type") != cell_type:
            notes.append(f"answer cell {grade_id} made {mine.get('cell_type')}, graded as code")
    return notes


def parse(source):
    """The AST of a cell's code (IPython magics turned into Python first), or None if it does not parse."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return ast.parse(TransformerManager().transform_cell(source))
    except (SyntaxError, ValueError):
        return None


def _imports(tree):
    """{name: what it is imported as} for the import statements of an AST."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                origin = f"{getattr(node, 'module', None)}:{alias.name}"
                found[alias.asname or alias.name.split(".")[0]] = origin
    return found


def rebound_helpers(submitted, released):
    """Notes on answer cells that rebind a helper the test cells use (``expect = lambda *a: None``).

    The helpers are the names that locked cells import or define and that test cells read. An
    answer cell that assigns, defines, deletes or imports one of them from elsewhere (or sets it as
    an attribute, ``checks.expect = ...``) can make the tests pass without the work: nbgrader
    grades what the tests say, so the note asks for a look by hand.
    """
    meta = [(c, c.metadata.get("nbgrader", {})) for c in released.cells if c.cell_type == "code"]
    helpers, used = {}, set()
    for cell, m in meta:
        tree = parse(cell.source) if m.get("locked") else None
        if tree is None:
            continue
        if m.get("grade"):
            used |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        else:
            helpers.update(_imports(tree))
            helpers.update({n.name: "def" for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))})
    helpers = {name: origin for name, origin in helpers.items() if name in used}
    answers = {m["grade_id"] for _, m in meta if m.get("solution")}
    notes = []
    for cell in submitted.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        tree = parse(cell.get("source", "")) if grade_id in answers and cell.get("cell_type") == "code" else None
        if tree is None:
            continue
        bound = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Store)}
        bound |= {name for n in ast.walk(tree) if isinstance(n, ast.Global) for name in n.names}
        # a string naming a helper, as in globals()["expect"] = ... or setattr(module, "expect", ...)
        bound |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in helpers}
        bound |= {name for name, origin in _imports(tree).items() if origin != helpers.get(name)}
        todo = list(tree.body)  # the cell's own names, not the local ones of its functions
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
                todo += node.decorator_list
            elif not isinstance(node, ast.Lambda):
                if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                    bound.add(node.id)
                todo += ast.iter_child_nodes(node)
        names = sorted(bound & set(helpers))
        if names:
            notes.append(f"cell {grade_id} rebinds {', '.join(names)}, which the tests use: check by hand")
    return notes


# names whose use in an answer can reach the tests (a bare name, an attribute or an import)
SUSPICIOUS = {"get_ipython", "builtins", "__builtins__", "gc", "ctypes", "inspect", "linecache", "_getframe",
              "_current_frames", "settrace", "setprofile", "addaudithook", "set_custom_exc", "ast_transformers",
              "input_transformers_post", "input_transformer_manager", "__import__", "importlib", "__code__",
              "__globals__", "__closure__", "setitimer", "alarm", "CustomTB", "showtraceback"}
CALLS = {"exec", "eval", "compile", "globals", "setattr", "delattr"}


def suspicious_code(submitted, released):
    """Notes on answer cells and added cells that use what can reach the tests (see the module)."""
    locked = {c.metadata.get("nbgrader", {}).get("grade_id") for c in released.cells
              if c.metadata.get("nbgrader", {}).get("locked")}
    modules = set()
    for cell in released.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("locked"):
            modules |= set(_imports(parse(cell.source) or ast.Module(body=[])))  # torch, F, expect ...
    notes = []
    for i, cell in enumerate(submitted.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") != "code" or grade_id in locked:
            continue
        tree = parse(cell.get("source", ""))
        if tree is None:
            continue
        cell_modules = modules | set(_imports(tree))
        used = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in SUSPICIOUS:
                used.add(node.id)
            elif isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS:
                used.add(node.attr)
            elif isinstance(node, ast.Attribute) and node.attr == "modules" and \
                    isinstance(node.value, ast.Name) and node.value.id == "sys":
                used.add("sys.modules")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                used |= {a.name.split(".")[0] for a in node.names if a.name.split(".")[0] in SUSPICIOUS}
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in SUSPICIOUS:
                    used.add(node.module.split(".")[0])
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS:
                used.add(f"{node.func.id}()")
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del)):
                base = node.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and base.id in cell_modules:
                    used.add(f"assigns to {ast.unparse(node)}")
        if used:
            where = f"cell {grade_id}" if grade_id else f"an added cell (#{i})"
            notes.append(f"{where} uses {', '.join(sorted(used))}: code that can reach the tests, check by hand")
    return notes

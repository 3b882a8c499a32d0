# ---------------------------------------------------------------------------
# Inputs synthesized from type hints (weco-lsp template `synth_inputs`).
# Edit the sizes when the real workload looks different.
# ---------------------------------------------------------------------------
import ast
import random
import string

COLLECTION_SIZE = 1000   # items in a top-level list / dict / set / str
NESTED_SIZE = 30         # items in a collection inside a collection
SCALAR_INT = 20          # value of a plain `int` argument (kept small: it is often a count or a depth)
_LETTERS = string.ascii_lowercase + " "


def _name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    raise TypeError("unsupported annotation " + ast.dump(node))


def _synth(node, rng, depth):
    size = COLLECTION_SIZE if depth == 0 else NESTED_SIZE if depth == 1 else 5
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        side = node.left if _name_or(node.right) == "None" else node.right if _name_or(node.left) == "None" else node.left
        return _synth(side, rng, depth)
    if isinstance(node, ast.Subscript):
        outer = _name(node.value)
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if outer == "Optional":
            return _synth(inner[0], rng, depth)
        if outer in ("list", "List", "Sequence", "Iterable", "Collection", "MutableSequence"):
            return [_synth(inner[0], rng, depth + 1) for _ in range(size)]
        if outer in ("set", "Set", "frozenset", "FrozenSet", "AbstractSet"):
            made = {_synth(inner[0], rng, depth + 1) for _ in range(size)}
            return frozenset(made) if outer in ("frozenset", "FrozenSet") else made
        if outer in ("tuple", "Tuple"):
            if len(inner) == 2 and isinstance(inner[1], ast.Constant) and inner[1].value is Ellipsis:
                return tuple(_synth(inner[0], rng, depth + 1) for _ in range(size))
            return tuple(_synth(item, rng, depth + 1) for item in inner)
        if outer in ("dict", "Dict", "Mapping", "MutableMapping"):
            return {_synth(inner[0], rng, depth + 1): _synth(inner[1], rng, depth + 1) for _ in range(size)}
        raise TypeError("unsupported annotation " + outer)
    name = _name(node)
    if name == "int":
        return SCALAR_INT if depth == 0 else rng.randrange(0, 1000)
    if name == "float":
        return rng.uniform(0.0, 1000.0)
    if name == "bool":
        return rng.random() < 0.5
    if name == "str":
        return "".join(rng.choice(_LETTERS) for _ in range(size if depth == 0 else 8))
    if name == "bytes":
        return bytes(rng.randrange(256) for _ in range(size if depth == 0 else 8))
    if name in ("list", "List"):
        return [rng.randrange(0, 1000) for _ in range(size)]
    if name in ("dict", "Dict"):
        return {str(i): rng.randrange(0, 1000) for i in range(size)}
    raise TypeError("unsupported annotation " + name)


def _name_or(node):
    try:
        return _name(node)
    except TypeError:
        return ""


def synth(annotation, rng):
    """A random value for a type annotation written as text (`list[int]`, `dict[str, float]`...)."""
    return _synth(ast.parse(annotation, mode="eval").body, rng, 0)

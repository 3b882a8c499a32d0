"""A small inventory module with the kind of slow code weco-lsp finds and fixes.

Try: weco-lsp optimize examples/python/inventory.py::missing_skus --backend local
"""


def missing_skus(ordered: list[int], in_stock: list[int]) -> list[int]:
    """SKUs that were ordered but are not in stock, in order."""
    missing = []
    for sku in ordered:
        if sku not in in_stock:
            missing.append(sku)
    return missing


def fib(n: int) -> int:
    """Naive recursion: exponential time."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)

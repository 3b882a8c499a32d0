"""Invoice totals from line items and the price list."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    sku: str
    price: float
    vat: float


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int


def invoice_total(lines: list[Line], products: list[Product]) -> float:
    """Gross total; the first price-list entry for a SKU wins, unknown SKUs are skipped."""
    total = 0.0
    for line in lines:
        for product in products:
            if line.sku == product.sku:
                total += line.qty * product.price * (1 + product.vat)
                break
    return round(total, 2)

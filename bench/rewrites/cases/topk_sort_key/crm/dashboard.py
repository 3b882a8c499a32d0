"""The sales dashboard's "top customers" widget."""
from dataclasses import dataclass


@dataclass
class Account:
    name: str
    region: str
    revenue: float


class SalesDashboard:
    def __init__(self, accounts: list[Account]):
        self.accounts = accounts

    def top_customers(self, k: int = 25) -> list[str]:
        """Names of the k accounts with the highest revenue (ties: the earlier account first)."""
        leaders: list[Account] = []
        for account in self.accounts:
            leaders.append(account)
            leaders.sort(key=lambda a: a.revenue, reverse=True)
            leaders = leaders[:k]
        return [a.name for a in leaders]

"""A user-space packet filter for the lab network."""
from typing import NamedTuple


class Packet(NamedTuple):
    src: str
    dst: str
    port: int
    size: int


class Firewall:
    def __init__(self, allowed_sources: list[str], open_ports: list[int]):
        self.allowed = list(allowed_sources)
        self.open_ports = list(open_ports)

    def admit(self, packets: list[Packet]) -> list[Packet]:
        """Packets from an allowed source to an open port, in arrival order."""
        return [p for p in packets if p.src in self.allowed and p.port in self.open_ports]

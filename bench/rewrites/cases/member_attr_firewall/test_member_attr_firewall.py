import random

from netfilter import Firewall, Packet


def make_traffic(rng, n):
    hosts = [f"10.0.{i // 256}.{i % 256}" for i in range(3_000)]
    allowed = rng.sample(hosts, 600)
    packets = [Packet(rng.choice(hosts), "10.1.0.1", rng.choice([22, 80, 443, 8080, 5432]), rng.randrange(64, 1500))
               for _ in range(n)]
    return allowed, packets


def test_only_allowed_sources_on_open_ports():
    allowed, packets = make_traffic(random.Random(13), 8_000)
    fw = Firewall(allowed, [80, 443])
    got = fw.admit(packets)
    assert got == [p for p in packets if p.src in set(allowed) and p.port in (80, 443)]
    assert got

import random

from netfilter import Firewall, Packet


def fresh_inputs(seed):
    rng = random.Random(seed)
    hosts = [f"10.0.{i // 256}.{i % 256}" for i in range(3_000)]
    allowed = rng.sample(hosts, 600)
    packets = [Packet(rng.choice(hosts), "10.1.0.1", rng.choice([22, 80, 443, 8080, 5432]), rng.randrange(64, 1500))
               for _ in range(8_000)]
    return [((Firewall(allowed, [80, 443]), packets), {})]

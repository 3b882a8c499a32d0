import random

from logistics import ShipmentMatcher


def fresh_inputs(seed):
    rng = random.Random(seed)
    orders = [{"number": f"SO-{i:06d}", "customer": f"c{rng.randrange(900)}"} for i in rng.sample(range(100_000), 2_500)]
    known = [o["number"] for o in orders]
    notices = []
    for k in range(1_200):
        number = rng.choice(known) if rng.random() < 0.9 else f"SO-{rng.randrange(100_000, 200_000):06d}"
        notices.append({"order_number": number, "tracking": f"1Z{k:010d}"})
    return [((ShipmentMatcher(orders), notices), {})]

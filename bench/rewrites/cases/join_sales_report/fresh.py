import random


def fresh_inputs(seed):
    rng = random.Random(seed)
    regions = ["north", "south", "east", "west", "central"]
    sales = [{"region": rng.choice(regions), "rep": f"rep{rng.randrange(300):03d}", "amount": rng.uniform(5, 5000)}
             for _ in range(5000)]
    return [((sales,), {})]

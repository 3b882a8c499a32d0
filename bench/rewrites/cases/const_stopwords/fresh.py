import random

FILLER = ["the", "a", "please", "thanks", "is", "not", "my", "when", "i", "to", "and", "it", "hello", "team"]
TOPICS = ["invoice", "refund", "login", "password", "export", "csv", "timeout", "crash", "billing", "upgrade",
          "sso", "webhook", "latency", "quota", "dashboard", "mobile", "android", "ios", "printer", "vpn"]


def fresh_inputs(seed):
    rng = random.Random(seed)
    tickets = [" ".join(rng.choice(FILLER) if rng.random() < 0.6 else rng.choice(TOPICS) for _ in range(rng.randrange(20, 60)))
               for _ in range(2_500)]
    return [((tickets,), {})]

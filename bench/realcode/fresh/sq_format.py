"""Fresh, distinct inputs for `sq_format`: fresh_inputs(seed) -> [(args, kwargs)]; run.py re-measures on them.
Optional observe(result, args, kwargs) says what to compare (default: the result)."""
import random

def make_sql(rng, n):
    stmts = []
    for i in range(n):
        t = "t%d" % rng.randrange(50)
        kind = rng.randrange(3)
        if kind == 0:
            stmts.append("insert into %s (id, name, note) values (%d, 'n%d', 'semi;colon %d');" % (t, i, i, rng.randrange(1000)))
        elif kind == 1:
            stmts.append("update %s set name = 'x%d' where id = %d and note like '%%a%%';" % (t, rng.randrange(1000), i))
        else:
            stmts.append("select a.id, b.name from %s a join t%d b on a.id = b.id where a.v > %d order by b.name;" % (t, rng.randrange(50), rng.randrange(1000)))
    return "\n".join(stmts)


def fresh_inputs(seed):
    rng = random.Random(seed)
    return [((make_sql(rng, 30),), {"reindent": True, "keyword_case": "upper"}) for _ in range(2)]

"""Pytest test for corpus entry `sq_split` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

import sqlparse


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


def test_split_migration_script():
    rng = random.Random(22)
    sql = make_sql(rng, 150)
    parts = sqlparse.split(sql)
    assert len(parts) == 150
    assert all(p.endswith(";") for p in parts)

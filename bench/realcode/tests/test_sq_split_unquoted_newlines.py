"""Pytest test for corpus entry `sq_split_unquoted_newlines` (weco-lsp bench/realcode); copied to tests/ of the project by setup.py."""
import random

from sqlparse.utils import split_unquoted_newlines


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


def test_split_unquoted_newlines_long_script():
    rng = random.Random(24)
    sql = make_sql(rng, 3000) + "\nselect 'a\nb';"
    lines = split_unquoted_newlines(sql)
    assert len(lines) == 3001
    assert lines[-1] == "select 'a\nb';"

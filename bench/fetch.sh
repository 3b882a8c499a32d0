#!/usr/bin/env bash
# Fetches the pinned benchmark inputs into bench/data/ (gitignored) with the ordinary registry clients.
# Idempotent: each input is fetched once; delete bench/data/ to start over.
#   bench/data/pandas/generic.py       pandas 2.2.3, pandas/core/generic.py
#   bench/data/dense.rs                regex-automata 0.4.9, src/dfa/dense.rs
#   bench/data/sympy-1.13.3/sympy/     sympy 1.13.3, the whole package (pure Python)
set -euo pipefail
cd "$(dirname "$0")"
DATA="$PWD/data"
mkdir -p "$DATA"
PY="${PYTHON:-python3}"

# Extracts members of a wheel or sdist (zip or tar.gz) given as a glob of member paths.
extract() { # archive dest member-glob...
    "$PY" - "$@" <<'PYEOF'
import fnmatch, os, sys, tarfile, zipfile
archive, dest, globs = sys.argv[1], sys.argv[2], sys.argv[3:]
def wanted(name): return any(fnmatch.fnmatch(name, g) for g in globs)
if archive.endswith(".whl") or archive.endswith(".zip"):
    with zipfile.ZipFile(archive) as z:
        for n in z.namelist():
            if wanted(n) and not n.endswith("/"):
                target = os.path.join(dest, n)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with z.open(n) as src, open(target + ".part", "wb") as out:
                    out.write(src.read())
                os.replace(target + ".part", target)
else:
    with tarfile.open(archive) as t:
        t.extractall(dest, members=[m for m in t.getmembers() if m.isfile() and wanted(m.name)], filter="data")
PYEOF
}

# pandas: a wheel needs no build to read one file from (the sdist would be prepared by pip).
if [ ! -s "$DATA/pandas/generic.py" ]; then
    mkdir -p "$DATA/dl"
    # Every platform's wheel carries the same pure-Python generic.py; one fixed platform keeps the
    # download identical on any machine (pip only downloads it, nothing is installed or built).
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
        --python-version 3.11 --implementation cp --dest "$DATA/dl" "pandas==2.2.3"
    wheel=$(ls "$DATA"/dl/pandas-2.2.3-*.whl | head -n1)
    extract "$wheel" "$DATA/tmp-pandas" "pandas/core/generic.py"
    mkdir -p "$DATA/pandas"
    mv "$DATA/tmp-pandas/pandas/core/generic.py" "$DATA/pandas/generic.py"
    rm -rf "$DATA/tmp-pandas"
fi

# sympy: the universal wheel; only the package folder is indexed.
if [ ! -d "$DATA/sympy-1.13.3/sympy" ]; then
    mkdir -p "$DATA/dl"
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: --dest "$DATA/dl" "sympy==1.13.3"
    rm -rf "$DATA/tmp-sympy"
    extract "$DATA/dl/sympy-1.13.3-py3-none-any.whl" "$DATA/tmp-sympy" "sympy/*"
    mkdir -p "$DATA/sympy-1.13.3"
    mv "$DATA/tmp-sympy/sympy" "$DATA/sympy-1.13.3/sympy"
    rm -rf "$DATA/tmp-sympy"
fi

# regex-automata: a throwaway cargo project pins the crate; cargo fetch puts its source in CARGO_HOME.
if [ ! -s "$DATA/dense.rs" ]; then
    proj="$DATA/fetch-regex-automata"
    mkdir -p "$proj/src"
    cat > "$proj/Cargo.toml" <<'TOML'
[package]
name = "fetch-regex-automata"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
regex-automata = "=0.4.9"

[workspace]
TOML
    echo "" > "$proj/src/lib.rs"
    (cd "$proj" && cargo fetch --quiet)
    cargo_home="${CARGO_HOME:-$HOME/.cargo}"
    src=$(ls -d "$cargo_home"/registry/src/*/regex-automata-0.4.9 | head -n1)
    cp "$src/src/dfa/dense.rs" "$DATA/dense.rs.part"
    mv "$DATA/dense.rs.part" "$DATA/dense.rs"
fi

rm -rf "$DATA/dl"
wc -l "$DATA/pandas/generic.py" "$DATA/dense.rs"
echo "sympy: $(find "$DATA/sympy-1.13.3/sympy" -name '*.py' | wc -l) .py files"

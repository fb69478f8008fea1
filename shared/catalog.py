"""Catalog of community-affairs service items that a remote window can handle.

Administrators keep the real list (for example Jing'an's 175 remote-window
items) in a spreadsheet export, so the catalog is loaded from CSV, XLSX or
JSON at runtime.  Every loader funnels through the same validation so a bad
cell is reported once, by file, row and field, before anything reaches the
routing or the clerk's screen.

Fields that no source states stay empty (``None`` or an empty tuple): the
catalog must never pretend to know a material list or a time limit.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec

SKILLS: dict[str, str] = {
    "minzheng": "民政",
    "renshe": "人社",
    "yibao": "医保",
    "canlian": "残联",
    "weijian": "卫健",
    "huzheng": "公安户政",
}

# Full-width semicolon, as in the administrators' exports; commas stay inside
# one material because Chinese material names use them freely.
MATERIAL_SEPARATOR = "；"

TABLE_COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "department",
    "skill",
    "materials",
    "time_limit_days",
    "remote_eligible",
    "source_url",
    "notes",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("code", "name", "skill")

REMOTE_ELIGIBLE_WORDS: dict[str, bool | None] = {
    "yes": True,
    "no": False,
    "unknown": None,
    "": None,
}

_SKILL_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_BOM = "\ufeff"


class CatalogItem(msgspec.Struct, frozen=True, kw_only=True):
    """One service item as a resident would ask for it at the window.

    ``remote_eligible`` is ``None`` when no source says whether the item can be
    done remotely; ``time_limit_days`` is in working days, ``0`` meaning the
    item is settled on the spot (当场办结) and ``None`` meaning not stated.
    """

    code: str
    name: str
    department: str | None = None
    skill: str
    materials: tuple[str, ...] = ()
    remote_eligible: bool | None = None
    time_limit_days: int | None = None
    notes: str | None = None
    sources: tuple[str, ...] = ()


class CatalogError(ValueError):
    """A catalog file could not be read; the message says where and why.

    ``row`` is 1-based and counts the header for CSV/XLSX, and is the list
    index for JSON; it is ``None`` for problems with the file as a whole.
    """

    def __init__(
        self,
        origin: str,
        problem: str,
        *,
        row: int | None = None,
        field: str | None = None,
        row_kind: str = "row",
    ) -> None:
        self.origin = origin
        self.row = row
        self.field = field
        self.problem = problem
        where = [origin]
        if row is not None:
            where.append(f"{row_kind} {row}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {problem}")


class _RowContext:
    """Carries the position of the record being validated into error messages."""

    def __init__(self, origin: str, row: int, row_kind: str) -> None:
        self.origin = origin
        self.row = row
        self.row_kind = row_kind

    def error(self, field: str | None, problem: str) -> CatalogError:
        return CatalogError(self.origin, problem, row=self.row, field=field, row_kind=self.row_kind)


def default_catalog_path() -> Path:
    """The small sourced sample shipped for demos and tests."""
    return Path(__file__).resolve().parent / "data" / "shanghai-community-items.csv"


def load_catalog(path: str | Path) -> list[CatalogItem]:
    """Load a catalog file, choosing the format from its suffix."""
    file_path = Path(path)
    origin = str(file_path)
    suffix = file_path.suffix.lower()
    if suffix not in {".csv", ".xlsx", ".json"}:
        raise CatalogError(
            origin, f"unsupported file type '{suffix or '(none)'}'; use .csv, .xlsx or .json"
        )
    if suffix == ".xlsx":
        return parse_xlsx(file_path)
    try:
        # utf-8-sig drops the BOM that spreadsheet tools put in front of CSV.
        text = file_path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogError(origin, f"cannot be read ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(origin, "is not UTF-8 text") from exc
    if suffix == ".csv":
        return parse_csv(text, origin)
    return parse_json(text, origin)


def parse_csv(text: str, origin: str) -> list[CatalogItem]:
    """Parse catalog rows from CSV text in the administrators' export format."""
    records = csv.reader(io.StringIO(text.removeprefix(_BOM), newline=""))
    try:
        return _items_from_table(records, origin)
    except csv.Error as exc:
        raise CatalogError(origin, f"is not valid CSV ({exc})") from exc


def parse_xlsx(path: str | Path) -> list[CatalogItem]:
    """Parse catalog rows from the first worksheet of an XLSX workbook."""
    import openpyxl  # deferred: only administrators' imports need it
    from openpyxl.utils.exceptions import InvalidFileException

    origin = str(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        raise CatalogError(origin, "is not a readable XLSX workbook") from exc
    except OSError as exc:
        raise CatalogError(origin, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        sheet = workbook.worksheets[0]
        records = (
            [_cell_text(value) for value in values] for values in sheet.iter_rows(values_only=True)
        )
        return _items_from_table(records, origin)
    finally:
        workbook.close()


def parse_json(text: str, origin: str) -> list[CatalogItem]:
    """Parse a JSON catalog: a list of items, or an object with an ``items`` list."""
    try:
        document: Any = msgspec.json.decode(text.removeprefix(_BOM))
    except msgspec.DecodeError as exc:
        raise CatalogError(origin, f"is not valid JSON ({exc})") from exc
    if isinstance(document, dict):
        if "items" not in document:
            raise CatalogError(origin, "the JSON object has no 'items' list")
        document = document["items"]
    if not isinstance(document, list):
        raise CatalogError(origin, "expected a JSON list of items or an object with 'items'")

    items: list[CatalogItem] = []
    first_index_of_code: dict[str, int] = {}
    for index, entry in enumerate(document):
        context = _RowContext(origin, index, "item at list index")
        if not isinstance(entry, dict):
            raise context.error(None, "each item must be a JSON object")
        item = _item_from_json(entry, context)
        _check_unique_code(item.code, first_index_of_code, context)
        items.append(item)
    return items


def dump_json(items: Iterable[CatalogItem]) -> bytes:
    """Serialise items in the JSON shape that ``parse_json`` reads back."""
    encoded = msgspec.json.encode({"items": list(items)})
    return msgspec.json.format(encoded, indent=2)


def _items_from_table(records: Iterable[Sequence[str]], origin: str) -> list[CatalogItem]:
    numbered_rows: Iterator[tuple[int, Sequence[str]]] = enumerate(records, start=1)
    header_row, header = _first_non_blank(numbered_rows)
    if header is None:
        raise CatalogError(origin, "has no header row")
    column_of = _header_columns(header, origin, header_row)

    items: list[CatalogItem] = []
    first_row_of_code: dict[str, int] = {}
    for row_number, cells in numbered_rows:
        if _is_blank(cells):
            continue
        context = _RowContext(origin, row_number, "row")
        if len(cells) > len(header) and not _is_blank(cells[len(header) :]):
            raise context.error(None, "has more cells than the header has columns")
        values = {
            column: (cells[position].strip() if position < len(cells) else "")
            for column, position in column_of.items()
        }
        item = _item_from_table_row(values, context)
        _check_unique_code(item.code, first_row_of_code, context)
        items.append(item)
    return items


def _first_non_blank(
    numbered_rows: Iterator[tuple[int, Sequence[str]]],
) -> tuple[int, Sequence[str] | None]:
    for row_number, cells in numbered_rows:
        if not _is_blank(cells):
            return row_number, cells
    return 0, None


def _header_columns(header: Sequence[str], origin: str, header_row: int) -> dict[str, int]:
    column_of: dict[str, int] = {}
    for position, raw_name in enumerate(header):
        name = raw_name.strip().lower()
        if name not in TABLE_COLUMNS:
            continue
        if name in column_of:
            raise CatalogError(
                origin, "the column appears twice in the header", row=header_row, field=name
            )
        column_of[name] = position
    for required in REQUIRED_COLUMNS:
        if required not in column_of:
            raise CatalogError(
                origin, "required column is missing from the header", row=header_row, field=required
            )
    return column_of


def _item_from_table_row(values: Mapping[str, str], context: _RowContext) -> CatalogItem:
    materials = tuple(
        part.strip()
        for part in values.get("materials", "").split(MATERIAL_SEPARATOR)
        if part.strip()
    )
    return CatalogItem(
        code=_required_text(values["code"], "code", context),
        name=_required_text(values["name"], "name", context),
        department=values.get("department") or None,
        skill=_skill(values["skill"], context),
        materials=materials,
        remote_eligible=_remote_eligible_word(values.get("remote_eligible", ""), context),
        time_limit_days=_time_limit(values.get("time_limit_days", ""), context),
        notes=values.get("notes") or None,
        sources=_sources(values.get("source_url", "").split(), "source_url", context),
    )


def _item_from_json(entry: Mapping[str, Any], context: _RowContext) -> CatalogItem:
    remote = entry.get("remote_eligible")
    if remote is not None and not isinstance(remote, bool):
        raise context.error("remote_eligible", "must be true, false or null")
    return CatalogItem(
        code=_required_text(_json_text(entry, "code", context), "code", context),
        name=_required_text(_json_text(entry, "name", context), "name", context),
        department=_json_text(entry, "department", context) or None,
        skill=_skill(_json_text(entry, "skill", context), context),
        materials=tuple(m for m in _json_text_list(entry, "materials", context) if m),
        remote_eligible=remote,
        time_limit_days=_time_limit(entry.get("time_limit_days"), context),
        notes=_json_text(entry, "notes", context) or None,
        sources=_sources(_json_text_list(entry, "sources", context), "sources", context),
    )


def _json_text(entry: Mapping[str, Any], field: str, context: _RowContext) -> str:
    value = entry.get(field)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise context.error(field, "must be text")
    return value.strip()


def _json_text_list(entry: Mapping[str, Any], field: str, context: _RowContext) -> list[str]:
    value = entry.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(part, str) for part in value):
        raise context.error(field, "must be a list of text values")
    return [part.strip() for part in value]


def _required_text(value: str, field: str, context: _RowContext) -> str:
    if not value:
        raise context.error(field, "must not be empty")
    return value


def _skill(value: str, context: _RowContext) -> str:
    if not _SKILL_PATTERN.fullmatch(value):
        raise context.error(
            "skill",
            f"'{value}' is not a skill code (lower-case letters, digits and '_', "
            "starting with a letter)",
        )
    return value


def _remote_eligible_word(value: str, context: _RowContext) -> bool | None:
    word = value.lower()
    if word not in REMOTE_ELIGIBLE_WORDS:
        raise context.error("remote_eligible", f"'{value}' is not one of yes, no, unknown or empty")
    return REMOTE_ELIGIBLE_WORDS[word]


def _time_limit(value: object, context: _RowContext) -> int | None:
    if value is None or value == "":
        return None
    days: int | None = None
    # bool is an int subclass, but `true` is never a number of days.
    if isinstance(value, int) and not isinstance(value, bool):
        days = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        days = int(value)
    if days is None or days < 0:
        raise context.error(
            "time_limit_days", f"'{value}' is not a whole number of days (0 or more)"
        )
    return days


def _sources(urls: Iterable[str], field: str, context: _RowContext) -> tuple[str, ...]:
    checked: list[str] = []
    for url in urls:
        if not url:
            continue
        parts = urlsplit(url)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.netloc
            or any(character.isspace() for character in url)
        ):
            raise context.error(field, f"'{url}' is not an http(s) URL")
        checked.append(url)
    return tuple(checked)


def _check_unique_code(
    code: str, first_position_of_code: dict[str, int], context: _RowContext
) -> None:
    earlier = first_position_of_code.get(code)
    if earlier is not None:
        raise context.error(
            "code", f"code '{code}' is already used by {context.row_kind} {earlier}"
        )
    first_position_of_code[code] = context.row


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    # Spreadsheets store whole numbers typed into a cell as floats.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_blank(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)

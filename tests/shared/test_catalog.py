from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from shared.catalog import (
    SKILLS,
    TABLE_COLUMNS,
    CatalogError,
    CatalogItem,
    default_catalog_path,
    dump_json,
    load_catalog,
    parse_csv,
    parse_json,
    parse_xlsx,
)

HEADER = "code,name,department,skill,materials,time_limit_days,remote_eligible,source_url"
GOOD_ROW = "MZ-1,敬老卡申领,市民政局,minzheng,身份证；申请表,30,yes,https://example.org/a"
OTHER_ROW = "GA-1,居住证签注,,huzheng,,0,no,https://example.org/b http://example.org/c"


def csv_text(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


def sample_rows() -> list[list[str]]:
    with default_catalog_path().open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_shipped_sample_loads_with_a_source_for_every_item() -> None:
    items = load_catalog(default_catalog_path())

    assert len(items) == 30
    assert all(item.sources for item in items)
    assert all(url.startswith(("http://", "https://")) for item in items for url in item.sources)
    assert len({item.code for item in items}) == len(items)
    assert {item.skill for item in items} <= set(SKILLS)

    by_code = {item.code: item for item in items}
    assert by_code["MZ-001"].time_limit_days == 30
    assert by_code["YB-001"].time_limit_days == 0
    assert by_code["CL-002"].remote_eligible is True
    assert by_code["MZ-002"].remote_eligible is None
    assert by_code["MZ-002"].materials == ()
    assert by_code["GA-007"].materials == ("居民身份证",)
    assert len(by_code["GA-006"].sources) == 2
    assert by_code["RS-004"].materials[-1] == "申请人有效银行卡"


def test_sample_counts_match_catalog_note() -> None:
    items = load_catalog(default_catalog_path())

    assert sum(1 for item in items if item.materials) == 18
    assert sum(1 for item in items if item.time_limit_days is not None) == 4
    assert sum(1 for item in items if item.remote_eligible) == 4


def test_first_row_parses_every_column() -> None:
    [item, other] = parse_csv(csv_text(GOOD_ROW, OTHER_ROW), "t.csv")

    assert item == CatalogItem(
        code="MZ-1",
        name="敬老卡申领",
        department="市民政局",
        skill="minzheng",
        materials=("身份证", "申请表"),
        remote_eligible=True,
        time_limit_days=30,
        notes=None,
        sources=("https://example.org/a",),
    )
    assert other.department is None
    assert other.time_limit_days == 0
    assert other.remote_eligible is False
    assert other.sources == ("https://example.org/b", "http://example.org/c")


def test_csv_xlsx_and_json_of_the_same_items_are_equal(tmp_path: Path) -> None:
    rows = sample_rows()
    csv_path = tmp_path / "items.csv"
    csv_path.write_text(default_catalog_path().read_text(encoding="utf-8"), encoding="utf-8")

    xlsx_path = tmp_path / "items.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    header = rows[0]
    limit_column = header.index("time_limit_days")
    for row in rows:
        # Spreadsheets hold typed numbers, not the digit strings of the CSV.
        cells: list[object] = list(row)
        if row is not rows[0] and row[limit_column]:
            cells[limit_column] = int(row[limit_column])
        sheet.append(cells)
    workbook.save(xlsx_path)

    json_path = tmp_path / "items.json"
    remote_words = {"yes": True, "no": False, "unknown": None, "": None}
    documents = []
    for row in rows[1:]:
        values = dict(zip(header, row, strict=True))
        documents.append(
            {
                "code": values["code"],
                "name": values["name"],
                "department": values["department"] or None,
                "skill": values["skill"],
                "materials": [m for m in values["materials"].split("；") if m],
                "remote_eligible": remote_words[values["remote_eligible"]],
                "time_limit_days": int(values["time_limit_days"])
                if values["time_limit_days"]
                else None,
                "notes": values["notes"] or None,
                "sources": values["source_url"].split(),
            }
        )
    json_path.write_text(json.dumps(documents, ensure_ascii=False), encoding="utf-8")

    from_csv = load_catalog(csv_path)
    from_xlsx = load_catalog(xlsx_path)
    from_json = load_catalog(json_path)

    assert len(from_csv) == 30
    assert from_xlsx == from_csv
    assert from_json == from_csv


def test_catalog_without_notes_column_loads(tmp_path: Path) -> None:
    rows = sample_rows()
    notes_column = rows[0].index("notes")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([row[:notes_column] + row[notes_column + 1 :] for row in rows])

    items = parse_csv(buffer.getvalue(), "no-notes.csv")

    assert len(items) == 30
    assert all(item.notes is None for item in items)
    assert items[0].code == "MZ-001"


def test_generated_175_item_csv_loads() -> None:
    skills = sorted(SKILLS)
    rows = [
        f"JA-{number:03d},静安事项{number},静安区,{skills[number % len(skills)]},"
        f"材料甲{number}；材料乙,{number % 20},{'yes' if number % 2 else 'unknown'},"
        f"https://example.org/items/{number}"
        for number in range(1, 176)
    ]

    items = parse_csv(csv_text(*rows), "jingan-175.csv")

    assert len(items) == 175
    assert items[0].code == "JA-001"
    assert items[-1] == CatalogItem(
        code="JA-175",
        name="静安事项175",
        department="静安区",
        skill=skills[175 % len(skills)],
        materials=("材料甲175", "材料乙"),
        remote_eligible=True,
        time_limit_days=15,
        sources=("https://example.org/items/175",),
    )


@pytest.mark.parametrize(
    ("bad_row", "field", "problem"),
    [
        (",敬老卡申领,,minzheng,,,,https://example.org/a", "code", "must not be empty"),
        ("MZ-9, ,,minzheng,,,,https://example.org/a", "name", "must not be empty"),
        ("MZ-9,敬老卡申领,,,,,,https://example.org/a", "skill", "is not a skill code"),
        ("MZ-9,敬老卡申领,,Min-Zheng,,,,https://example.org/a", "skill", "'Min-Zheng'"),
        ("MZ-9,敬老卡申领,,minzheng,,-1,,https://example.org/a", "time_limit_days", "'-1'"),
        ("MZ-9,敬老卡申领,,minzheng,,3.5,,https://example.org/a", "time_limit_days", "'3.5'"),
        ("MZ-9,敬老卡申领,,minzheng,,三天,,https://example.org/a", "time_limit_days", "三天"),
        ("MZ-9,敬老卡申领,,minzheng,,,maybe,https://example.org/a", "remote_eligible", "maybe"),
        ("MZ-9,敬老卡申领,,minzheng,,,,ftp://example.org/a", "source_url", "ftp://"),
        ("MZ-9,敬老卡申领,,minzheng,,,,www.example.org", "source_url", "www.example.org"),
    ],
)
def test_invalid_csv_cell_names_file_row_and_field(bad_row: str, field: str, problem: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_csv(csv_text(GOOD_ROW, OTHER_ROW, bad_row), "admin-export.csv")

    error = caught.value
    assert error.row == 4
    assert error.field == field
    assert "admin-export.csv" in str(error)
    assert "row 4" in str(error)
    assert f"field '{field}'" in str(error)
    assert problem in str(error)


def test_duplicate_code_names_both_rows() -> None:
    duplicate = "MZ-1,另一个事项,,minzheng,,,,https://example.org/z"

    with pytest.raises(CatalogError) as caught:
        parse_csv(csv_text(GOOD_ROW, OTHER_ROW, duplicate), "dup.csv")

    assert caught.value.row == 4
    assert caught.value.field == "code"
    assert "row 4" in str(caught.value)
    assert "row 2" in str(caught.value)


def test_missing_required_column_is_reported_on_the_header_row() -> None:
    text = "code,name,materials\nMZ-1,敬老卡申领,身份证\n"

    with pytest.raises(CatalogError) as caught:
        parse_csv(text, "short.csv")

    assert caught.value.row == 1
    assert caught.value.field == "skill"


def test_row_numbers_count_blank_lines_like_a_spreadsheet() -> None:
    text = csv_text(GOOD_ROW, "", "MZ-9,敬老卡申领,,minzheng,,,maybe,")

    with pytest.raises(CatalogError) as caught:
        parse_csv(text, "gaps.csv")

    assert caught.value.row == 4


def test_extra_non_empty_cells_beyond_header_are_rejected() -> None:
    with pytest.raises(CatalogError) as caught:
        parse_csv(csv_text(GOOD_ROW + ",surplus"), "wide.csv")

    assert caught.value.row == 2
    assert parse_csv(csv_text(GOOD_ROW + ",,"), "wide.csv")[0].code == "MZ-1"


def test_bom_at_start_of_csv_is_accepted(tmp_path: Path) -> None:
    expected = parse_csv(csv_text(GOOD_ROW), "plain.csv")

    assert parse_csv("\ufeff" + csv_text(GOOD_ROW), "bom.csv") == expected

    path = tmp_path / "excel.csv"
    path.write_text(csv_text(GOOD_ROW), encoding="utf-8-sig")
    assert load_catalog(path) == expected


def test_columns_in_any_order_and_case_with_unknown_columns_ignored() -> None:
    text = (
        "Source_URL,Remote_Eligible,序号,SKILL,Name,Code,Time_Limit_Days,Materials,Department\n"
        "https://example.org/a,YES,1,minzheng,敬老卡申领,MZ-1,30,身份证；申请表,市民政局\n"
    )

    assert parse_csv(text, "shuffled.csv") == parse_csv(csv_text(GOOD_ROW), "plain.csv")


def test_whitespace_is_stripped_and_empty_materials_dropped() -> None:
    row = (
        " MZ-1 , 敬老卡申领 , 市民政局 , minzheng , 身份证 ； 申请表 ； ,"
        " 30 , yes , https://example.org/a "
    )
    [item] = parse_csv(csv_text(row), "spaces.csv")

    assert item.code == "MZ-1"
    assert item.name == "敬老卡申领"
    assert item.materials == ("身份证", "申请表")
    assert item.time_limit_days == 30


def test_dump_json_round_trips_the_shipped_sample() -> None:
    items = load_catalog(default_catalog_path())

    encoded = dump_json(items)

    assert isinstance(encoded, bytes)
    assert "敬老卡" in encoded.decode("utf-8")
    assert parse_json(encoded.decode("utf-8"), "dump.json") == items


def test_json_accepts_a_bare_list_and_omitted_optional_fields() -> None:
    text = '[{"code": "MZ-1", "name": "敬老卡申领", "skill": "minzheng"}]'

    assert parse_json(text, "bare.json") == [
        CatalogItem(code="MZ-1", name="敬老卡申领", skill="minzheng")
    ]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"code": "", "name": "n", "skill": "minzheng"}, "code"),
        ({"code": "X", "name": "n", "skill": "MinZheng"}, "skill"),
        ({"code": "X", "name": "n", "skill": "minzheng", "time_limit_days": -2}, "time_limit_days"),
        (
            {"code": "X", "name": "n", "skill": "minzheng", "time_limit_days": True},
            "time_limit_days",
        ),
        (
            {"code": "X", "name": "n", "skill": "minzheng", "remote_eligible": "yes"},
            "remote_eligible",
        ),
        ({"code": "X", "name": "n", "skill": "minzheng", "sources": ["example.org"]}, "sources"),
        ({"code": "X", "name": "n", "skill": "minzheng", "materials": "身份证"}, "materials"),
        ({"code": "X", "name": 7, "skill": "minzheng"}, "name"),
    ],
)
def test_invalid_json_item_names_list_index_and_field(entry: dict[str, object], field: str) -> None:
    good = {"code": "OK", "name": "好", "skill": "minzheng"}
    text = json.dumps({"items": [good, entry]}, ensure_ascii=False)

    with pytest.raises(CatalogError) as caught:
        parse_json(text, "items.json")

    assert caught.value.row == 1
    assert caught.value.field == field
    assert "items.json" in str(caught.value)
    assert "index 1" in str(caught.value)


def test_json_duplicate_code_names_both_indexes() -> None:
    entry = {"code": "MZ-1", "name": "n", "skill": "minzheng"}
    with pytest.raises(CatalogError) as caught:
        parse_json(json.dumps([entry, entry]), "dup.json")

    assert caught.value.row == 1
    assert "index 0" in str(caught.value)


@pytest.mark.parametrize("text", ["{not json", '{"rows": []}', '"text"', "[1]"])
def test_malformed_json_documents_raise_catalog_error(text: str) -> None:
    with pytest.raises(CatalogError, match=r"broken\.json"):
        parse_json(text, "broken.json")


def test_invalid_xlsx_cell_reports_spreadsheet_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(TABLE_COLUMNS))
    sheet.append(["MZ-1", "敬老卡申领", None, "minzheng", None, 30, "yes", "https://e.org/a"])
    sheet.append(["MZ-2", "居住证签注", None, "huzheng", None, 2.5, None, None])
    workbook.save(path)

    with pytest.raises(CatalogError) as caught:
        parse_xlsx(path)

    assert caught.value.row == 3
    assert caught.value.field == "time_limit_days"
    assert "bad.xlsx" in str(caught.value)


def test_file_that_is_not_a_workbook_raises_catalog_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("code,name\n", encoding="utf-8")

    with pytest.raises(CatalogError, match="XLSX"):
        load_catalog(path)


def test_unsupported_suffix_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "items.txt"
    path.write_text(csv_text(GOOD_ROW), encoding="utf-8")

    with pytest.raises(CatalogError, match=r"\.txt"):
        load_catalog(path)


def test_empty_csv_has_no_header() -> None:
    with pytest.raises(CatalogError, match="no header"):
        parse_csv("\n\n", "empty.csv")

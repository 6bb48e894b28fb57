from pathlib import Path

import pytest

from knowledge.catalog import CatalogError, load_catalog

HEADER = "sku,name,category,brand,price,currency,stock,description,weight_kg,wireless\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_csv_extra_columns_become_typed_specs(tmp_path):
    path = write(tmp_path, "p.csv", HEADER + "A-1,Alpha One,Laptops,Alpha,1299.50,eur,4,Nice,1.2,yes\n")
    result = load_catalog(path)
    assert result.errors == []
    product = result.products[0]
    assert (product.category, product.price, product.currency, product.stock) == ("laptops", 1299.5, "EUR", 4)
    assert product.specs == {"weight_kg": 1.2, "wireless": True}


def test_bad_csv_rows_are_reported_by_row_and_good_rows_kept(tmp_path):
    rows = [
        "A-1,Alpha One,laptops,Alpha,999,EUR,4,ok,1.2,no",
        "A-2,Alpha Two,laptops,Alpha,,EUR,4,no price,1.2,no",
        "A-3,Alpha Three,laptops,Alpha,cheap,EUR,4,text price,1.2,no",
        "A-1,Alpha Again,laptops,Alpha,10,EUR,4,duplicate,1.2,no",
        "A-4,Alpha Four,laptops,Alpha,10,ZZZ,4,bad currency,1.2,no",
        "A-5,Alpha Five,laptops,Alpha,10,EUR,2.5,fractional stock,1.2,no",
    ]
    result = load_catalog(write(tmp_path, "p.csv", HEADER + "\n".join(rows) + "\n"))
    assert [p.sku for p in result.products] == ["A-1"]
    messages = {e.row: str(e) for e in result.errors}
    assert "missing price" in messages[3] and "p.csv, row 3" in messages[3]
    assert "'cheap' is not a number" in messages[4]
    assert "duplicate sku 'A-1'" in messages[5]
    assert "unknown currency 'ZZZ'" in messages[6]
    assert "whole number" in messages[7]
    assert {e.sku for e in result.errors} >= {"A-2", "A-3", "A-4"}


def test_json_and_jsonl_with_specs_object(tmp_path, catalog_file):
    assert len(load_catalog(catalog_file).products) == 4
    jsonl = write(
        tmp_path,
        "p.jsonl",
        '{"sku":"X1","name":"X One","category":"tv","brand":"X","price":10,"currency":"USD","stock":1,'
        '"specs":{"size_inches":55}}\n\nnot json\n',
    )
    result = load_catalog(jsonl)
    assert result.products[0].specs == {"size_inches": 55.0}
    assert result.errors[0].row == 3 and "invalid JSON" in result.errors[0].reason


def test_unreadable_files_raise_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="no such file"):
        load_catalog(tmp_path / "missing.csv")
    with pytest.raises(CatalogError, match="lacks required column"):
        load_catalog(write(tmp_path, "p.csv", "sku,name\nA,B\n"))
    with pytest.raises(CatalogError, match="unsupported file type"):
        load_catalog(write(tmp_path, "p.xlsx", "x"))


def test_folder_loads_products_and_policy_pages(tmp_path, catalog_file):
    (tmp_path / "policies").mkdir()
    write(tmp_path / "policies", "returns.md", "# Returns\n\nYou can return items within 30 days.\n")
    write(tmp_path / "policies", "shipping.html", "<h1>Shipping</h1><p>Free over 50 EUR.</p>")
    result = load_catalog(tmp_path)
    assert result.policies_loaded
    assert {(p.topic, p.title) for p in result.policies} == {("returns", "Returns"), ("shipping", "Shipping")}
    assert "Free over 50 EUR." in next(p.text for p in result.policies if p.topic == "shipping")


def test_sample_catalogue_is_valid():
    result = load_catalog(Path(__file__).parents[2] / "data" / "catalog")
    assert result.errors == []
    assert len(result.products) >= 40
    assert len({p.category for p in result.products}) >= 4
    assert {p.topic for p in result.policies} >= {"shipping", "returns", "warranty", "payment"}


def test_links_must_be_web_addresses(tmp_path):
    header = "sku,name,category,brand,price,currency,stock,url,image_url\n"
    rows = [
        "A-1,Alpha One,laptops,Alpha,999,EUR,4,https://shop.example/a-1,http://cdn.example/a-1.jpg",
        "A-2,Alpha Two,laptops,Alpha,999,EUR,4,javascript:alert(1),",
        "A-3,Alpha Three,laptops,Alpha,999,EUR,4,,\"data:image/png;base64,AAAA\"",
    ]
    result = load_catalog(write(tmp_path, "p.csv", header + "\n".join(rows) + "\n"))
    assert [p.sku for p in result.products] == ["A-1"]
    messages = {e.row: str(e) for e in result.errors}
    assert "url 'javascript:alert(1)' is not an http(s) address" in messages[3]
    assert "image_url 'data:image/png;base64" in messages[4]


@pytest.mark.parametrize("code", ["KES", "UGX", "GHS", "ARS", "VND"])
def test_every_iso_currency_a_shop_prices_in_is_accepted(tmp_path, code):
    """A shop in Nairobi prices in KES: every retail code of ISO 4217 loads, not only the common ones."""
    row = f"K-1,Kettle,kettles,Jiko,2500,{code},4,A kettle.,1.2,no\n"
    result = load_catalog(write(tmp_path, "p.csv", HEADER + row))
    assert [p.currency for p in result.products] == [code] and not result.errors

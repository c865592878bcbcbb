import pytest

from casework.spreadsheets import safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("x")'])
def test_formula_like_text_is_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["王小明", "640202201203050011", 12, None, ""])
def test_ordinary_values_are_kept(value):
    assert safe_cell(value) == value

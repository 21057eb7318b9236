import pytest

import amlk8s
from amlk8s import Quantity


@pytest.mark.parametrize(
    "text, canonical",
    [("0.6", "600m"), ("1.5Gi", "1536Mi"), ("1000m", "1"), ("1000", "1k"), ("0.5Gi", "512Mi"),
     ("2048Ki", "2Mi"), ("12e-1", "1200e-3"), ("8Ei", "9223372036854775807"), ("-0.5Gi", "-512Mi")],
)
def test_str_is_the_canonical_form(text, canonical):
    assert str(Quantity(text)) == canonical


def test_comparison_is_by_value():
    assert Quantity("1Gi") == Quantity("1024Mi")
    assert Quantity("500m") < Quantity("1")
    assert Quantity("1.5") > Quantity("1")
    assert hash(Quantity("1Gi")) == hash(Quantity("1024Mi"))
    assert sorted([Quantity("2"), Quantity("100m"), Quantity("1")]) == [Quantity("100m"), Quantity("1"), Quantity("2")]


def test_arithmetic_and_integer_views():
    assert Quantity("500m") + Quantity("1500m") == Quantity("2")
    assert Quantity("100m").value() == 1
    assert Quantity("0.6").milli_value() == 600
    assert Quantity(4) == Quantity("4")
    assert Quantity(0.5) == Quantity("500m")


@pytest.mark.parametrize(
    "text, kind",
    [("1K", "unable to parse quantity's suffix"), ("1ki", "unable to parse quantity's suffix"),
     ("abc", "quantities must match the regular expression"), ("1 Gi", "quantities must match the regular expression")],
)
def test_invalid_text_raises_value_error_with_the_kubernetes_kind(text, kind):
    with pytest.raises(ValueError) as info:
        Quantity(text)
    assert kind in str(info.value)
    assert text in str(info.value)

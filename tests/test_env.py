"""Settings read from the environment: typed, with a safe default, loud on garbage."""

from __future__ import annotations

import pytest

from config.env import env_bool, env_int, env_list, env_str

NAME = "ZIT_TEST_KNOB"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True), ("true", True), ("TRUE", True), ("yes", True), ("on", True), (" On ", True),
        ("0", False), ("false", False), ("False", False), ("no", False), ("off", False), ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_unset_gives_the_default(monkeypatch, default):
    monkeypatch.delenv(NAME, raising=False)
    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "ja", "truee"])
def test_env_bool_refuses_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ValueError, match=NAME):
        env_bool(NAME, False)


@pytest.mark.parametrize(("raw", "expected"), [("42", 42), (" 7 ", 7), ("-3", -3), ("0", 0)])
def test_env_int_reads_integers(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)
    assert env_int(NAME, 99) == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_int_unset_or_blank_gives_the_default(monkeypatch, raw):
    if raw is None:
        monkeypatch.delenv(NAME, raising=False)
    else:
        monkeypatch.setenv(NAME, raw)
    assert env_int(NAME, 99) == 99


@pytest.mark.parametrize("raw", ["20MB", "1.5", "ten"])
def test_env_int_refuses_garbage_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ValueError, match=NAME):
        env_int(NAME, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a.example,b.example", ["a.example", "b.example"]),
        (" a.example , b.example ,", ["a.example", "b.example"]),
        ("solo", ["solo"]),
        ("", []),
        (" , ", []),
    ],
)
def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch, raw, expected):
    monkeypatch.setenv(NAME, raw)
    assert env_list(NAME, ["default"]) == expected


def test_env_list_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    assert env_list(NAME, ["localhost"]) == ["localhost"]


def test_env_str_reads_the_value_or_the_default(monkeypatch):
    monkeypatch.setenv(NAME, "postgres://db/zit")
    assert env_str(NAME, "x") == "postgres://db/zit"
    monkeypatch.delenv(NAME)
    assert env_str(NAME, "x") == "x"


def test_a_renamed_variable_is_still_read_under_its_old_name(monkeypatch):
    old = "ZIT_TEST_OLD_NAME_ONLY"
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.setenv(old, "7")
    assert env_int(NAME, 1, old=(old,)) == 7
    monkeypatch.setenv(NAME, "8")  # the new name wins when both are set
    assert env_int(NAME, 1, old=(old,)) == 8

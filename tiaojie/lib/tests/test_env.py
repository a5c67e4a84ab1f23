import pytest
from django.core.exceptions import ImproperlyConfigured

from tiaojie.lib.env import env_bool, env_choice, env_int, env_list, env_str, env_timezone


def test_env_bool(monkeypatch):
    monkeypatch.setenv("X", "yes")
    assert env_bool("X", default=False) is True
    monkeypatch.setenv("X", "0")
    assert env_bool("X", default=True) is False
    monkeypatch.setenv("X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("X", default=False)


def test_env_int(monkeypatch):
    monkeypatch.setenv("N", "12")
    assert env_int("N", 1) == 12
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1)
    monkeypatch.setenv("N", "-1")
    with pytest.raises(ImproperlyConfigured):
        env_int("N", 1, minimum=0)


def test_env_list_and_str(monkeypatch):
    monkeypatch.setenv("L", "a.example, b.example")
    assert env_list("L", []) == ["a.example", "b.example"]
    monkeypatch.setenv("L", " , ")
    with pytest.raises(ImproperlyConfigured):
        env_list("L", [])
    monkeypatch.delenv("S", raising=False)
    with pytest.raises(ImproperlyConfigured):
        env_str("S")


def test_env_timezone_and_choice(monkeypatch):
    monkeypatch.setenv("TZ_X", "Mars/Olympus")
    with pytest.raises(ImproperlyConfigured):
        env_timezone("TZ_X", "Asia/Shanghai")
    monkeypatch.setenv("LANG_X", "fr")
    with pytest.raises(ImproperlyConfigured):
        env_choice("LANG_X", "zh-hans", {"zh-hans", "en"})

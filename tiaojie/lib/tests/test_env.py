import pytest
from django.core.exceptions import ImproperlyConfigured

from tiaojie.lib.env import env_bool, env_cache, env_choice, env_int, env_list, env_str, env_timezone


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


def test_env_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("CACHE_X", raising=False)
    assert env_cache("CACHE_X")["BACKEND"].endswith("LocMemCache")  # one per process, as Django's default
    monkeypatch.setenv("CACHE_X", f"file://{tmp_path}")
    shared = env_cache("CACHE_X")
    assert shared["BACKEND"].endswith("FileBasedCache")
    assert shared["LOCATION"] == str(tmp_path)
    # The file cache is one for every worker of the machine: what one process stores, another reads.
    from django.core.cache.backends.filebased import FileBasedCache

    FileBasedCache(shared["LOCATION"], shared).set("k", ("v",))
    assert FileBasedCache(shared["LOCATION"], shared).get("k") == ("v",)
    for bad in ("file://relative/dir", "redis://127.0.0.1:6379/0", "memcached"):
        monkeypatch.setenv("CACHE_X", bad)
        with pytest.raises(ImproperlyConfigured, match="CACHE_X"):
            env_cache("CACHE_X")

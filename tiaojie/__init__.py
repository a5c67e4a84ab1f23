"""Tiaojie (调解): grassroots labour and personnel dispute mediation."""

from importlib import metadata

try:
    __version__ = metadata.version("tiaojie")
except metadata.PackageNotFoundError:  # a checkout used without installing (the version is in pyproject.toml)
    __version__ = "0+unknown"

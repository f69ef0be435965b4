"""policycli: quantified commitments in Chinese policy documents, as traceable records."""
from .record import FIELD_NAMES, Record, SourceInfo

__all__ = ["extract_text", "extract_file", "Record", "SourceInfo", "FIELD_NAMES"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """The extraction API, imported on first use: commands that extract nothing
    (a re-run over unchanged files, ``export``, ``text``) start faster without it."""
    if name in ("extract_text", "extract_file"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'policycli' has no attribute {name!r}")

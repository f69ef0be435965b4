"""policycli: quantified commitments in Chinese policy documents, as traceable records."""
from .api import extract_file, extract_text
from .record import FIELD_NAMES, Record, SourceInfo

__all__ = ["extract_text", "extract_file", "Record", "SourceInfo", "FIELD_NAMES"]
__version__ = "0.1.0"

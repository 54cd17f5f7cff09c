"""The serving logs: uvicorn's, with export tokens redacted, plus the app's own log lines.

Feed readers that can only take a URL send the export token as ``?token=``; the access log
would otherwise keep a reusable credential for anyone who reads the logs.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

TOKEN_PARAMETER = re.compile(r"([?&](?:token|access_token)=)[^&#\s\"]*", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with the value of every token query parameter replaced."""
    return TOKEN_PARAMETER.sub(r"\g<1>" + REDACTED, text)


class RedactTokens(logging.Filter):
    """Redacts tokens in a record's message and arguments (uvicorn passes the path as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging configuration with the redaction on every handler, and the app's
    loggers (``aggregator...``: login checks and refusals) printed beside uvicorn's."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_tokens": {"()": f"{__name__}.RedactTokens"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_tokens"]
    config["loggers"]["aggregator"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config

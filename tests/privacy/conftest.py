import pytest

from bot.privacy.logs import uninstall_log_redaction


@pytest.fixture(autouse=True)
def _no_leftover_log_redaction():
    """Creating a RedactingSQLTrackerStore installs process-wide log
    redaction; undo it so other areas' tests see their logs unchanged."""
    yield
    uninstall_log_redaction()

"""The one-line notice and the other privacy texts come from data and state
the retention periods actually enforced."""
import pytest

from bot.datafile import DataError
from bot.privacy.notice import deleted_notice, load_notice, short_notice, what_we_keep
from bot.privacy.retention import RetentionPolicy


def test_privacy_short_notice_is_one_line_with_the_enforced_periods(monkeypatch):
    monkeypatch.delenv("NEST_RETENTION_CONVERSATION_DAYS", raising=False)
    monkeypatch.setenv("NEST_RETENTION_BOOKING_DAYS", "60")
    line = short_notice("en")
    assert "\n" not in line and "{" not in line
    assert "30 days" in line and "60 days after the session" in line
    assert "child" in line and "delete my conversation" in line


def test_privacy_texts_fall_back_to_english_and_take_a_policy():
    policy = RetentionPolicy(conversation_days=14, booking_days=45)
    assert short_notice("fr", policy) == short_notice("en", policy)
    assert short_notice("cy", policy) != short_notice("en", policy) and "14" in short_notice("cy", policy)
    assert "14 days after your last message" in what_we_keep("en", policy)
    assert "45 days after its session" in deleted_notice("en", policy)


def test_privacy_notice_file_errors_name_file_line_and_entry(tmp_path):
    bad = tmp_path / "notice.yml"
    bad.write_text("version: 1\ntexts:\n  notice.short:\n    en: 'kept for {weeks} weeks'\n"
                   "  notice.what_we_keep: {en: x}\n  notice.deleted: {en: y}\n")
    with pytest.raises(DataError) as err:
        load_notice(bad)
    assert "notice.yml:3" in str(err.value) and "notice.short" in str(err.value)
    assert "weeks" in str(err.value)

    missing = tmp_path / "missing.yml"
    missing.write_text("version: 1\ntexts:\n  notice.short: {en: hello}\n")
    with pytest.raises(DataError, match="notice.what_we_keep"):
        load_notice(missing)

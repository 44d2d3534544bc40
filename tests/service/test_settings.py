import pytest

from summarizer.errors import ConfigError
from summarizer.service.settings import ServiceSettings


def test_settings_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZER_QUEUE", "2")
    monkeypatch.setenv("SUMMARIZER_DEADLINE_S", "30.5")
    monkeypatch.setenv("SUMMARIZER_API_KEYS", " a, b ,")
    monkeypatch.setenv("SUMMARIZER_MODEL", "smollm2-135m")
    monkeypatch.setenv("SUMMARIZER_CACHE", str(tmp_path / "c.sqlite"))
    monkeypatch.setenv("SUMMARIZER_METRICS_PORT", "9100")
    monkeypatch.setenv("SUMMARIZER_LOG_FORMAT", "json")
    settings = ServiceSettings.from_env()
    assert (settings.queue_size, settings.deadline_s, settings.api_keys) == (2, 30.5, frozenset({"a", "b"}))
    assert settings.model == "smollm2-135m" and settings.cache_path == tmp_path / "c.sqlite"
    assert (settings.metrics_port, settings.metrics_host, settings.log_format) == (9100, "127.0.0.1", "json")


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SUMMARIZER_QUEUE", "4x", "SUMMARIZER_QUEUE='4x' is not a whole number; use a whole number from 0 to 1000."),
        ("SUMMARIZER_QUEUE", "-1", "SUMMARIZER_QUEUE='-1' is out of range; use a whole number from 0 to 1000."),
        ("SUMMARIZER_DEADLINE_S", "x", "SUMMARIZER_DEADLINE_S='x' is not a number; use a number from 0.1 to 86400."),
        (
            "SUMMARIZER_DEADLINE_S",
            "0.05",
            "SUMMARIZER_DEADLINE_S='0.05' is out of range; use a number from 0.1 to 86400.",
        ),
        (
            "SUMMARIZER_METRICS_PORT",
            "9x",
            "SUMMARIZER_METRICS_PORT='9x' is not a whole number; use a whole number from 1 to 65535.",
        ),
        (
            "SUMMARIZER_METRICS_PORT",
            "0",
            "SUMMARIZER_METRICS_PORT='0' is out of range; use a whole number from 1 to 65535.",
        ),
        ("SUMMARIZER_LOG_FORMAT", "xml", "SUMMARIZER_LOG_FORMAT='xml' is neither text nor json; use text or json."),
    ],
)
def test_a_bad_setting_names_the_variable_and_the_range(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        ServiceSettings.from_env()
    assert str(caught.value) == message


def test_constructor_fields_win_over_the_environment_and_empty_variables_are_unset(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_QUEUE", "9")
    monkeypatch.setenv("SUMMARIZER_MODEL", "")
    assert ServiceSettings(queue_size=1).queue_size == 1
    settings = ServiceSettings.from_env()
    assert settings.queue_size == 9 and settings.model is None and settings.api_keys == frozenset()

"""Configuration: production refuses weak secrets; development keeps its own key."""
import importlib

import pytest


def reload_config(monkeypatch, tmp_path, **env):
    monkeypatch.setenv("PRANATA_INSTANCE", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import config
    return importlib.reload(config)


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = reload_config(monkeypatch, tmp_path)
    with pytest.raises(RuntimeError):
        config.ProductionConfig.prepare()
    config = reload_config(monkeypatch, tmp_path, SECRET_KEY="changeme")
    with pytest.raises(RuntimeError):
        config.ProductionConfig.prepare()
    config = reload_config(monkeypatch, tmp_path, SECRET_KEY="x" * 40)
    assert config.ProductionConfig.prepare()["SECRET_KEY"] == "x" * 40


def test_development_makes_a_secret_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = reload_config(monkeypatch, tmp_path)
    first = config.DevelopmentConfig.prepare()["SECRET_KEY"]
    assert len(first) >= 32 and (tmp_path / "secret_key").exists()
    assert config.DevelopmentConfig.prepare()["SECRET_KEY"] == first


def test_database_url_forms_are_normalised(monkeypatch, tmp_path):
    config = reload_config(monkeypatch, tmp_path)
    assert config._normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert config._normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert config._normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_redis_url_switches_the_rate_limit_storage(monkeypatch, tmp_path):
    config = reload_config(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert config.Config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
    monkeypatch.delenv("REDIS_URL")
    config = reload_config(monkeypatch, tmp_path)
    assert config.Config.RATELIMIT_STORAGE_URI == "memory://"

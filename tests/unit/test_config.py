import pytest

from service.config import ConfigError, ServerSettings, Settings

SECRET = {"JWT_SECRET": "a-secret-of-at-least-thirty-two-characters"}


def test_defaults_point_at_the_local_stack() -> None:
    settings = Settings.from_env(SECRET)
    assert settings.dynamodb_endpoint == "http://127.0.0.1:8000"
    assert settings.opensearch_url == "http://127.0.0.1:9200"


def test_the_search_rerank_window_can_be_set_or_turned_off() -> None:
    assert Settings.from_env(SECRET).search_rerank_window == 30
    assert Settings.from_env({**SECRET, "SEARCH_RERANK_WINDOW": "0"}).search_rerank_window == 0


def test_empty_dynamodb_endpoint_means_real_aws() -> None:
    assert Settings.from_env({**SECRET, "DYNAMODB_ENDPOINT": ""}).dynamodb_endpoint is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MAX_PAGE_SIZE": "ten"}, "MAX_PAGE_SIZE must be a whole number"),
        ({"OPENSEARCH_AUTH": "basic"}, "OPENSEARCH_AUTH must be"),
        ({"REQUEST_TIMEOUT_SECONDS": "-1"}, "REQUEST_TIMEOUT_SECONDS must be positive"),
        ({"MAPPINGS_DIR": "/nonexistent"}, "MAPPINGS_DIR"),
        ({"INDEXER_BATCH_SIZE": "5000"}, "INDEXER_BATCH_SIZE must be at most 1000"),
        ({"MATCH_MODEL_FILE": "/nonexistent.json"}, "MATCH_MODEL_FILE /nonexistent.json is not"),
        ({"SEARCH_RERANK_WINDOW": "-1"}, "SEARCH_RERANK_WINDOW must be at least 0"),
        ({"SEARCH_RERANK_WINDOW": "501"}, "SEARCH_RERANK_WINDOW must be at most 500"),
    ],
)
def test_bad_values_are_named_in_the_error(env: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**SECRET, **env})


def test_server_settings_default_to_the_cores_and_refuse_zero_threads() -> None:
    assert ServerSettings.from_env({}).workers >= 1
    assert ServerSettings.from_env({"WEB_WORKERS": "3"}).workers == 3
    with pytest.raises(ConfigError, match="WEB_THREADS must be at least 1"):
        ServerSettings.from_env({"WEB_THREADS": "0"})

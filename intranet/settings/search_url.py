"""SEARCH_URL: which search engine haystack talks to.

elasticsearch://host:9200/index   Elasticsearch 7 over HTTP at host:9200, index « index » (default: SEARCH_INDEX
                                  or « intranet »); elasticsearchs:// for HTTPS; http(s)://host:9200 as well.
(unset)                           Whoosh in VAR_DIR/whoosh_index.
"""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

ENGINE = "intranet.search_elasticsearch.FrenchElasticsearch7SearchEngine"
SCHEMES = {"elasticsearch": "http", "elasticsearchs": "https", "http": "http", "https": "https"}


def parse_search_url(url: str, default_index: str = "intranet") -> dict:
    """haystack's connection settings for an Elasticsearch URL."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        # The URL itself is not repeated: it may hold a password.
        raise ImproperlyConfigured(
            f"SEARCH_URL must look like elasticsearch://host:9200/index (scheme {parts.scheme!r} is not one of "
            f"{', '.join(SCHEMES)}, or the host is missing); unset it to use Whoosh"
        )
    netloc = parts.netloc.rsplit("@", 1)[-1]
    index = parts.path.strip("/") or default_index
    settings = {"ENGINE": ENGINE, "URL": f"{SCHEMES[parts.scheme]}://{netloc}/", "INDEX_NAME": index}
    if parts.username:
        settings["KWARGS"] = {"http_auth": (unquote(parts.username), unquote(parts.password or ""))}
    return settings

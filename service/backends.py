"""The one place that owns the API's backend connections for the life of the app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from service import clients
from service.config import Settings
from service.erasure import Erasure
from service.links import Links
from service.matching.matcher import Matcher
from service.matching.model import MatchModel, hand_set_model, load_model
from service.merging import MergeService
from service.persons import PersonService
from service.search.cursor import CursorCodec
from service.search.searcher import PersonSearcher
from service.store.extended import ExtendedStore
from service.store.history import HistoryStore
from service.store.indexer_status import IndexerStatusReader
from service.store.merging import MergeWriter
from service.store.persons import PersonStore

EXTENSION = "person_index"


@dataclass
class Backends:
    """The services built on the request-path clients, created once per app (views reach
    DynamoDB and OpenSearch only through them)."""

    settings: Settings
    persons: PersonService
    merges: MergeService
    search: PersonSearcher
    match_model: MatchModel
    matcher: Matcher
    history: HistoryStore
    indexer_status: IndexerStatusReader
    extended: ExtendedStore
    links: Links

    @classmethod
    def connect(cls, settings: Settings) -> Backends:
        dynamodb = clients.dynamodb_client(settings, "request")
        opensearch = clients.opensearch_client(settings, "request")
        store = PersonStore(
            dynamodb,
            settings.persons_table,
            settings.counters_table,
            settings.cross_references_table,
        )
        history = HistoryStore(dynamodb, settings.history_table)
        extended = ExtendedStore(dynamodb, settings.extended_table, settings.persons_table)
        match_model = (
            load_model(settings.match_model_file) if settings.match_model_file else hand_set_model()
        )
        search = PersonSearcher(
            opensearch,
            settings.opensearch_alias,
            CursorCodec(settings.cursor_secret, settings.max_page_size),
            match_model,
        )
        persons = PersonService(store, Erasure(history, extended))
        return cls(
            settings=settings,
            persons=persons,
            merges=MergeService(
                store, MergeWriter(dynamodb, settings.persons_table, store), persons.clock
            ),
            search=search,
            match_model=match_model,
            matcher=Matcher(search, match_model),
            history=history,
            indexer_status=IndexerStatusReader(dynamodb, settings.checkpoints_table),
            extended=extended,
            links=Links.from_file(settings.links_config, settings.link_health_interval_seconds),
        )

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = self


def backends() -> Backends:
    """The backends of the app handling the current request."""
    return current_app.extensions[EXTENSION]

"""Person search (OpenSearch). Shares the /persons path with the record endpoints, GET only."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.schemas import SearchArgsSchema, SearchResultSchema
from service.backends import backends

blp = Blueprint(
    "search",
    __name__,
    url_prefix="/api/v1/persons",
    description="Search live people in OpenSearch despite typos, nicknames and phonetic spellings.",
)


@blp.route("", methods=["GET"])
class PersonSearch(MethodView):
    @blp.arguments(SearchArgsSchema, location="query")
    @blp.response(200, SearchResultSchema)
    @blp.alt_response(503, description="Search is unavailable; id lookups still work.")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search live people by name (typos, phonetic spellings and prefixes match)."""
        surname = args.get("surname") or args.get("lastName")
        return backends().search.by_name(args.get("firstName"), surname, args["pageSize"])

"""Person search and the duplicate check (OpenSearch). Shares the /persons path, GET and POST."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.problems import problem, validation_problem
from service.api.search_schemas import (
    MatchArgsSchema,
    MatchPersonSchema,
    MatchResultSchema,
    SearchArgsSchema,
    SearchResultSchema,
)
from service.backends import backends
from service.matching.matcher import Wanted, compared_person, params_of
from service.search.cursor import InvalidCursor
from service.search.queries import SearchParams

blp = Blueprint(
    "search",
    __name__,
    url_prefix="/api/v1/persons",
    description="Search live people and check for duplicates despite typos, nicknames and swaps.",
)


@blp.errorhandler(InvalidCursor)
def _bad_cursor(exc: InvalidCursor) -> Response:
    return problem(400, f"The cursor is not usable: {exc}.", {"cursor": [str(exc)]})


def search_params(args: dict[str, Any]) -> SearchParams:
    """The search parameters of validated query arguments."""
    return params_of({**args, "personTypes": args.get("personType")})


@blp.route("", methods=["GET"])
class PersonSearchResults(MethodView):
    @blp.arguments(SearchArgsSchema(), location="query")
    @blp.response(200, SearchResultSchema)
    @blp.alt_response(400, description="A parameter or the cursor is not valid.")
    @blp.alt_response(503, description="Search is unavailable; id lookups still work.")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Search people by name, date of birth, NI number, address, postcode or free text.

        Results are best first: the first hits (`SEARCH_RERANK_WINDOW`) ordered by the
        duplicate check's model (`matchScore`), the rest by relevance (`score`). Follow
        `nextCursor` for the next page. The cursor holds the search itself, so nothing is left
        open on the server between pages.
        """
        searcher = backends().search
        if args.get("cursor"):
            return searcher.next_page(args["cursor"], args["explain"])
        settings = backends().settings
        page_size = args.get("pageSize") or settings.default_page_size
        if page_size > settings.max_page_size:
            return validation_problem({"pageSize": [f"must be at most {settings.max_page_size}."]})
        return searcher.search(
            search_params(args),
            page_size,
            explain=args["explain"],
            rerank_window=settings.search_rerank_window,
        )


@blp.route("/matches", methods=["POST"])
class PersonMatches(MethodView):
    @blp.arguments(MatchPersonSchema())
    @blp.arguments(MatchArgsSchema(), location="query")
    @blp.response(200, MatchResultSchema)
    @blp.alt_response(400, description="The body is not a partial person (wrong shape).")
    @blp.alt_response(503, description="Search is unavailable.")
    def post(self, person: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        """Duplicate check: the people most likely to be this partial person, scored and graded.

        Grades follow FHIR Patient $match (certain, probable, possible); the score and the
        reasons come from the Fellegi-Sunter model described in the README. Every candidate
        sharing a name, date of birth, NI number or address is answered (`possible` may be weak;
        `minScore` and `minGrade` ask for fewer). A dirty value (an impossible date, a malformed
        NI number or postcode) is compared as given and reported in `warnings`.
        """
        wanted = Wanted(args["limit"], args["minScore"], args["minGrade"])
        answer = backends().matcher.match(compared_person(person), wanted, args["explain"])
        return {**answer, "warnings": person["warnings"]}

"""The staff pages: thin views over the API's use cases (search, duplicate check, persons)."""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import generate_csrf, validate_csrf
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import TransportError
from werkzeug.exceptions import HTTPException
from wtforms.validators import ValidationError as CsrfInvalid

from service.api.search import search_params
from service.auth import Caller
from service.backends import backends
from service.domain.vocabulary import TITLES
from service.matching.matcher import Wanted, compared_person
from service.matching.scoring import score_candidate
from service.persons import InvalidPerson, present
from service.search.cursor import InvalidCursor
from service.search.rerank import model_query
from service.staff import presenters, reasons
from service.staff.forms import (
    LABELS,
    PARTS,
    Form,
    anchor,
    changes,
    editable,
    field_errors,
    new_person_values,
    read_person,
    read_search,
    values_of,
)
from service.staff.paging import PageLink, page_links
from service.staff.signin import DEV_ROLES, EXTENSION, SignIn
from service.store.errors import PersonNotFound, ReferenceTaken, VersionConflict

log = logging.getLogger(__name__)
SERVICE_NAME = "Person index"
# Candidates shown on the duplicate warning page, best first.
DUPLICATE_LIMIT = 10
MAX_REASON = 500
# The GOV.UK Frontend assets are served from this app, and the one inline script (which marks
# the page as JavaScript-enabled) carries the request's nonce.
_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class StaffBlueprint(Blueprint):
    """A blueprint whose templates can import the govuk-frontend-jinja macros."""

    @property
    def jinja_loader(self) -> BaseLoader | None:  # type: ignore[override]
        return ChoiceLoader(
            [
                FileSystemLoader(f"{self.root_path}/templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        )


blp = StaffBlueprint(
    "staff",
    __name__,
    url_prefix="/staff",
    static_folder="static",
    static_url_path="/assets",
)
for name in ("long_date", "long_time", "full_name", "field_label", "type_words"):
    blp.add_app_template_filter(getattr(presenters, name), f"staff_{name}")
blp.add_app_template_filter(presenters.option, "staff_option")
blp.add_app_template_filter(anchor, "staff_anchor")
blp.add_app_template_filter(lambda value, name: presenters.shown_value(name, value), "staff_value")

_OPEN = {"staff.static", "staff.sign_in", "staff.sign_out"}


def _sign_in() -> SignIn:
    return current_app.extensions[EXTENSION]


def caller() -> Caller:
    return g.caller


def _may_write() -> bool:
    return g.get("caller") is not None and g.caller.has_role("write")


@blp.before_request
def _check_request() -> Response | str | None:
    """CSRF on every form post, then sign-in (the token) and the read role on every page."""
    g.csp_nonce = secrets.token_urlsafe(16)
    if request.endpoint == "staff.static":
        return None
    if request.method == "POST":
        try:
            validate_csrf(request.form.get("csrf_token"))
        except CsrfInvalid:
            return _error_page(
                400, "This form has expired", "Go back, reload the page and try again."
            )
    g.caller = _sign_in().caller(request.headers.get("Authorization"))
    if request.endpoint in _OPEN:
        return None
    if g.caller is None:
        if _sign_in().development:
            return redirect(url_for("staff.sign_in", next=request.full_path))
        return _error_page(
            401,
            "You need to sign in",
            "Sign in through the council's sign-in page, then try again.",
        )
    if not g.caller.has_role("read"):
        return _error_page(403, "You cannot use this service", "Ask for the read role.")
    return None


@blp.after_request
def _page_headers(response: Response) -> Response:
    if request.endpoint != "staff.static":
        response.headers["Content-Security-Policy"] = _CSP.format(nonce=g.get("csp_nonce", ""))
    return response


@blp.context_processor
def _page_context() -> dict[str, Any]:
    return {
        "serviceName": SERVICE_NAME,
        "cspNonce": g.get("csp_nonce"),
        "csrf_token": generate_csrf,
        "staff_user": g.get("caller"),
        "may_write": _may_write(),
        "development": _sign_in().development,
        "labels": LABELS,
        "titles": TITLES,
        "person_types": backends().settings.person_types,
        "parts": PARTS,
    }


def _error_page(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("staff/error.html", title=title, detail=detail), status


@blp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> tuple[str, int]:
    titles = {404: "Page not found", 405: "This page cannot do that"}
    code = exc.code or 500
    return _error_page(code, titles.get(code, exc.name), exc.description or "")


@blp.errorhandler(TransportError)
@blp.errorhandler(OpenSearchConnectionError)
def _search_down(_: Exception) -> tuple[str, int]:
    return _error_page(
        503,
        "Search is not working at the moment",
        "Try again in a few minutes. You can still open a resident's page from a link to it.",
    )


@blp.errorhandler(ClientError)
@blp.errorhandler(BotoCoreError)
def _store_down(_: Exception) -> tuple[str, int]:
    return _error_page(503, "The service is not working at the moment", "Try again later.")


def _person_or_404(person_id: str) -> dict[str, Any] | None:
    try:
        return backends().persons.get(str(uuid.UUID(person_id)))
    except (ValueError, PersonNotFound):
        return None


# --- Find a resident -------------------------------------------------------------------------


@blp.get("/")
def search() -> str:
    """The search form, and its results when something was searched for."""
    if not request.args:
        return render_template("staff/search.html", form=Form(), page=None)
    form = read_search(request.args)
    cursor = request.args.get("cursor")
    if form.errors and not cursor:
        return render_template("staff/search.html", form=form, page=None)
    settings = backends().settings
    try:
        if cursor:
            answer = backends().search.next_page(cursor)
        else:
            answer = backends().search.search(
                search_params(form.body),
                settings.default_page_size,
                rerank_window=settings.search_rerank_window,
            )
    except InvalidCursor:
        form.errors = {"firstName": "This search has expired: search again"}
        return render_template("staff/search.html", form=form, page=None)
    compared = model_query(search_params(form.body)) if form.body else {}
    number = _page_number()
    query = {k: v for k, v in request.args.items() if k not in {"cursor", "page", "back"}}
    back = request.args.getlist("back")
    links = page_links(query, number, cursor, back, answer["nextCursor"])
    page = {
        "results": [_result(hit, compared) for hit in answer["results"]],
        "total": answer["total"],
        "number": number,
        "next": _link(links.next),
        "previous": _link(links.previous),
        "start": (number - 1) * settings.default_page_size + 1,
    }
    return render_template("staff/search.html", form=form, page=page)


def _link(link: PageLink | None) -> dict[str, str] | None:
    """A link of the GOV.UK pagination component."""
    return {"href": url_for("staff.search", **link.args), "labelText": link.label} if link else None


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def _result(hit: dict[str, Any], compared: dict[str, str]) -> dict[str, Any]:
    """A search hit with why it matched, in words."""
    found = score_candidate(compared, hit, backends().match_model).reasons if compared else []
    return _summary(hit, [reason.as_dict() for reason in found])


def _summary(record: dict[str, Any], why: list[dict[str, Any]]) -> dict[str, Any]:
    """A found record (a search document) with its address and the model's reasons in words."""
    return {
        "person": record,
        "address": presenters.address_line(record),
        "reasons": reasons.agreements(why, record),
        "differences": reasons.differences(why),
    }


# --- A resident's page -----------------------------------------------------------------------


@blp.get("/people/<person_id>")
def person(person_id: str) -> tuple[str, int] | str:
    """Core fields, addresses, tenures, cross references, links and the change history."""
    found = _person_or_404(person_id)
    if found is None:
        return _error_page(404, "Person not found", "No one has this id, or they were erased.")
    shown = present(found, backends().persons.today())
    links = backends().links.for_person(found, caller())
    history = presenters.timeline(backends().history.entries(found["id"]))
    return render_template("staff/person.html", person=shown, links=links, history=history)


# --- Add a person ----------------------------------------------------------------------------


@blp.route("/people/new", methods=["GET", "POST"])
def add() -> Any:
    """The add form; the duplicate check runs before anything is stored."""
    if not _may_write():
        return _error_page(403, "You cannot add people", "Adding people needs the write role.")
    if request.method == "GET":
        return render_template("staff/add.html", form=Form(values=new_person_values()))
    form = read_person(request.form)
    if not form.valid:
        return render_template("staff/add.html", form=form)
    overridden = request.form.get("decision") == "new"
    if not overridden:
        query = compared_person({**form.body, "includeDeceased": True})
        candidates = backends().matcher.match(query, Wanted(DUPLICATE_LIMIT))["results"]
        if candidates:
            return render_template(
                "staff/duplicates.html",
                candidates=[_candidate(c) for c in candidates],
                carried=_carried_fields(),
            )
    body = dict(form.body)
    if overridden:
        shown = request.form.getlist("candidate")
        body["reason"] = _override_reason(body["reason"], caller().identity, shown)
    try:
        created = backends().persons.create(body, caller().identity)
    except ReferenceTaken as exc:
        form.errors = {"crossReferences": str(exc)}
        return render_template("staff/add.html", form=form)
    if overridden:
        log.info(
            "duplicate warning overridden",
            extra={"personId": created["id"], "candidates": request.form.getlist("candidate")},
        )
    flash(f"{presenters.full_name(created)} has been added")
    return redirect(url_for("staff.person", person_id=created["id"]))


def _candidate(result: dict[str, Any]) -> dict[str, Any]:
    """A duplicate-check candidate with its grade."""
    return {**_summary(result["person"], result["reasons"]), "grade": result["grade"]}


def _carried_fields() -> list[tuple[str, str]]:
    """The add form's fields, carried through the warning page as hidden inputs."""
    return [
        (name, value)
        for name in request.form
        if name not in {"csrf_token", "decision", "candidate"}
        for value in request.form.getlist(name)
    ]


def _override_reason(reason: str, who: str, candidates: list[str]) -> str:
    """The create's reason, recording that the duplicate warning was overridden and by whom."""
    refs = ", ".join(candidates[:DUPLICATE_LIMIT]) or "none"
    note = f" [Duplicate warning overridden by {who}; people shown (personRef): {refs}]"
    return reason[: max(0, MAX_REASON - len(note))] + note


# --- Change a person -------------------------------------------------------------------------


@blp.route("/people/<person_id>/edit", methods=["GET", "POST"])
def edit(person_id: str) -> Any:
    """Change a person at the version that was read; a newer version is shown, never overwritten."""
    if not _may_write():
        return _error_page(403, "You cannot change people", "Changing people needs the write role.")
    found = _person_or_404(person_id)
    if found is None:
        return _error_page(404, "Person not found", "No one has this id, or they were erased.")
    if request.method == "GET":
        return _edit_page(found, Form(values=values_of(found)), editable(found), None)
    form = read_person(request.form)
    version, original = _edit_state()
    if version is None or original is None:
        return _error_page(400, "This form is not complete", "Reload the page and try again.")
    if not form.valid:
        return _edit_page({**found, "versionNumber": version}, form, original, None)
    mine = changes(original, editable(form.body))
    if not mine:
        flash("You did not change anything")
        return redirect(url_for("staff.person", person_id=found["id"]))
    try:
        backends().persons.patch(
            found["id"], {**mine, "reason": form.body["reason"]}, version, caller().identity
        )
    except VersionConflict:
        return _conflict(found["id"], original, mine, form)
    except ReferenceTaken as exc:
        form.errors = {"crossReferences": str(exc)}
        return _edit_page({**found, "versionNumber": version}, form, original, None)
    except InvalidPerson as exc:
        form.errors = field_errors(exc.errors, form.positions)
        return _edit_page({**found, "versionNumber": version}, form, original, None)
    flash("Your changes have been saved")
    return redirect(url_for("staff.person", person_id=found["id"]))


def _edit_state() -> tuple[int | None, dict[str, Any] | None]:
    """The version the form was read at, and the values it showed then."""
    raw = request.form.get("version", "")
    try:
        original = json.loads(request.form.get("original", ""))
    except ValueError:
        return None, None
    if not raw.isdigit() or not isinstance(original, dict):
        return None, None
    return int(raw), original


def _conflict(person_id: str, original: dict[str, Any], mine: dict[str, Any], form: Form) -> str:
    """Someone else saved first: show what they changed and offer the user's changes again."""
    current = backends().persons.get(person_id)
    theirs = editable(current)
    changed = changes(original, theirs)
    conflict = {
        "who": current.get("lastModifiedBy"),
        "when": presenters.long_time(current.get("lastModified")),
        "changes": [
            {
                "field": LABELS.get(name, name),
                "was": presenters.shown_value(name, original.get(name)),
                "now": presenters.shown_value(name, value),
                "both": name in mine,
            }
            for name, value in changed.items()
        ],
    }
    again = Form(values={**values_of({**theirs, **mine}), "reason": form.values.get("reason")})
    return _edit_page(current, again, theirs, conflict)


def _edit_page(
    person: dict[str, Any], form: Form, original: dict[str, Any], conflict: dict[str, Any] | None
) -> str:
    return render_template(
        "staff/edit.html",
        person=person,
        form=form,
        version=person["versionNumber"],
        original=json.dumps(original),
        conflict=conflict,
    )


# --- Anything else under /staff/ -------------------------------------------------------------


@blp.route("/<path:unknown>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(unknown: str) -> tuple[str, int]:
    """A page-shaped 404 for a URL under /staff/ that is no page (the API answers JSON)."""
    return _error_page(
        404,
        "Page not found",
        "If you typed the web address, check it is correct. If you pasted it, check you copied "
        "the entire address.",
    )


# --- Development sign-in ---------------------------------------------------------------------


@blp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """A development sign-in (STAFF_DEV_SIGNIN only): choose who you are and your role."""
    if not _sign_in().development:
        return _error_page(404, "Page not found", "")
    target = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("staff/sign_in.html", roles=DEV_ROLES, errors={}, next=target)
    email = request.form.get("email", "").strip()
    role = request.form.get("role", "")
    errors = {}
    if not email or len(email) > 200:
        errors["email"] = "Enter your email address"
    if role not in DEV_ROLES:
        errors["role"] = "Select what you need to do"
    if errors:
        return render_template(
            "staff/sign_in.html", roles=DEV_ROLES, errors=errors, next=target, email=email
        )
    _sign_in().start_development_session(email, role)
    return redirect(target)


@blp.post("/sign-out")
def sign_out() -> Response:
    """End the development session (behind a proxy, its own sign-out ends the real one)."""
    session.clear()
    return redirect(url_for("staff.sign_in") if _sign_in().development else url_for("staff.search"))


def _safe_next(target: str | None) -> str:
    """Only a path of this service: never another site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/staff"):
            return target
    return url_for("staff.search")

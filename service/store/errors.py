"""The store's own exceptions; views map them to HTTP statuses."""


class StoreError(Exception):
    """Base class for expected failures of a store operation."""


class PersonNotFound(StoreError):
    """No live person has this id."""


class PersonAlreadyExists(StoreError):
    """A live person already has this id."""


class VersionConflict(StoreError):
    """The stored version is not the one the caller expected (someone else wrote first)."""

    def __init__(self, message: str, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class ReferenceTaken(StoreError):
    """Another person already holds this cross reference (system and reference)."""

    def __init__(self, system: str, reference: str) -> None:
        super().__init__(
            f"Cross reference {reference!r} in system {system!r} belongs to another person"
        )
        self.system = system
        self.reference = reference


class StoreUnavailable(StoreError):
    """DynamoDB could not answer now (unreachable, throttling, failing on its side): retry later."""


class StoreRequestRefused(StoreError):
    """DynamoDB refused a request as malformed or not allowed: a bug or a misconfiguration, which
    no retry fixes. `code` is DynamoDB's error code; the message names the store operation."""

    def __init__(self, operation: str, code: str) -> None:
        super().__init__(f"DynamoDB refused {operation}: {code}")
        self.operation = operation
        self.code = code


class PersonMerged(StoreError):
    """The id belongs to a person merged into another: the survivor stands for them now."""

    def __init__(self, person_id: str, survivor_id: str) -> None:
        super().__init__(f"Person {person_id} was merged into {survivor_id}")
        self.person_id = person_id
        self.survivor_id = survivor_id


class MergeInterrupted(StoreError):
    """A merge or unmerge wrote nothing: the other person, or one of the cross references
    it moves, changed between the read and the write."""

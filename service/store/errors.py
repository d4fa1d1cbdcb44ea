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

"""Domain errors of the staff workflow as HTTP answers, with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException

from knowledge.analytics import BadEvent
from knowledge.curation import EntryExists, EntryNotFound, InvalidEntry
from knowledge.importer import ImportFileError
from knowledge.review import NoSuchEntry, PermissionDenied, StaleRevision, WorkflowConflict
from knowledge.staff_accounts import StaffError


@contextmanager
def domain_errors() -> Iterator[None]:
    try:
        yield
    except PermissionDenied as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    except (NoSuchEntry, EntryNotFound) as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except StaleRevision as error:
        raise HTTPException(
            status_code=409, detail=str(error), headers={"X-Current-Revision": str(error.current)}
        ) from None
    except (WorkflowConflict, EntryExists) as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    except (InvalidEntry, StaffError, ImportFileError, BadEvent) as error:
        raise HTTPException(status_code=422, detail=str(error)) from None

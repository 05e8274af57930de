"""Who may counsel (role counsellor or admin), the desk, and domain errors as HTTP answers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from agent.counsel_desk import CounselDesk
from bot.staff.identity import CurrentStaff, StaffWriter, allowed
from civic.counsel.queue import AlreadyHeld, BadInput, NotHolder, NotInQueue
from knowledge.staff_accounts import StaffIdentity


def _desk(request: Request) -> CounselDesk:
    desk: CounselDesk = request.app.state.counsel_desk
    return desk


def _counsellor(identity: CurrentStaff) -> StaffIdentity:
    allowed(identity, "counsel")
    return identity


def _counsellor_writing(identity: StaffWriter) -> StaffIdentity:
    allowed(identity, "counsel")
    return identity


DeskDep = Annotated[CounselDesk, Depends(_desk)]
Counsellor = Annotated[StaffIdentity, Depends(_counsellor)]
CounsellorWriting = Annotated[StaffIdentity, Depends(_counsellor_writing)]


@contextmanager
def counsel_errors() -> Iterator[None]:
    try:
        yield
    except NotInQueue as error:
        raise HTTPException(status_code=404, detail=str(error)) from None
    except AlreadyHeld as error:
        raise HTTPException(status_code=409, detail=str(error)) from None
    except NotHolder as error:
        raise HTTPException(status_code=403, detail=str(error)) from None
    except BadInput as error:
        raise HTTPException(status_code=422, detail=str(error)) from None

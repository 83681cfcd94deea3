from __future__ import annotations

from dataclasses import dataclass

from models.enums import ActorKind


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a change, as written into contact history."""

    kind: ActorKind
    member_id: int | None = None
    job_id: int | None = None

    @classmethod
    def member(cls, member_id: int) -> Actor:
        return cls(ActorKind.MEMBER, member_id=member_id)

    @classmethod
    def job(cls, job_id: int, member_id: int | None = None) -> Actor:
        return cls(ActorKind.JOB, member_id=member_id, job_id=job_id)

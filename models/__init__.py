from models.contact import Contact, ContactEvent, ContactURN, Flag
from models.field import ContactField
from models.group import ContactGroup
from models.job import Job
from models.workspace import ApiToken, Member, Workspace

__all__ = [
    "ApiToken",
    "Contact",
    "ContactEvent",
    "ContactField",
    "ContactGroup",
    "ContactURN",
    "Flag",
    "Job",
    "Member",
    "Workspace",
]

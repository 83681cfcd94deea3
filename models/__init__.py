from models.audience import AudienceSnapshot, AudienceSnapshotContact
from models.contact import Contact, ContactEvent, ContactFlag, ContactSearch, ContactURN, Flag
from models.field import ContactField
from models.group import ContactGroup, GroupContact
from models.job import Job, JobTarget
from models.transfer import ContactExport, ContactImport, DownloadLink, ImportRow
from models.usage import Usage
from models.workspace import ApiToken, Member, Workspace

__all__ = [
    "ApiToken",
    "AudienceSnapshot",
    "AudienceSnapshotContact",
    "Contact",
    "ContactEvent",
    "ContactExport",
    "ContactField",
    "ContactFlag",
    "ContactGroup",
    "ContactImport",
    "ContactSearch",
    "ContactURN",
    "DownloadLink",
    "Flag",
    "GroupContact",
    "ImportRow",
    "Job",
    "JobTarget",
    "Member",
    "Usage",
    "Workspace",
]

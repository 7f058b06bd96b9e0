"""Use cases of ``accounts`` (ADR 0007): people and their roles (``people``), setting a password
through a link (``passwords``), creating many people from a workbook (``imports``)."""

from namhoc.accounts.services.imports import (
    MAX_BYTES as MAX_UPLOAD,
)
from namhoc.accounts.services.imports import (
    MAX_PEOPLE,
    XLSX_CONTENT_TYPE,
    CellError,
    PeopleImportRefused,
    people_import,
    people_template,
)
from namhoc.accounts.services.passwords import (
    PasswordLink,
    password_link_create,
    password_set_with_link,
    user_for_link,
)
from namhoc.accounts.services.people import (
    MEMBERSHIP_AUDIT_FIELDS,
    PASSWORD_MAX,
    USER_AUDIT_FIELDS,
    check_password_text,
    create_with_role,
    membership_grant,
    membership_revoke,
    parse_role,
    user_create,
    user_disable,
    user_enable,
    user_set_password,
    user_update,
)

__all__ = [
    "MAX_PEOPLE",
    "MAX_UPLOAD",
    "MEMBERSHIP_AUDIT_FIELDS",
    "PASSWORD_MAX",
    "USER_AUDIT_FIELDS",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "PasswordLink",
    "PeopleImportRefused",
    "check_password_text",
    "create_with_role",
    "membership_grant",
    "membership_revoke",
    "parse_role",
    "password_link_create",
    "password_set_with_link",
    "people_import",
    "people_template",
    "user_create",
    "user_disable",
    "user_enable",
    "user_for_link",
    "user_set_password",
    "user_update",
]

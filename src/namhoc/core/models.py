"""The models core owns: only the audit log (no domain models here)."""

from namhoc.core.models_audit import AuditEvent

__all__ = ["AuditEvent"]

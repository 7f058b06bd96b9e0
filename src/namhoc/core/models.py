"""The models core owns: the audit log and the event outbox (no domain models here)."""

from namhoc.core.models_audit import AuditEvent
from namhoc.core.models_events import Event

__all__ = ["AuditEvent", "Event"]

"""A legacy `declarative_base()` with a naming convention: every name comes from it."""

from sqlalchemy import (
    Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, Numeric, String,
    UniqueConstraint, func,
)

from .base import LegacyBase


class CollectionJob(LegacyBase):
    """Collection jobs (mirrors Django apps.data_collection.models.CollectionJob)."""

    __tablename__ = "collection_jobs"
    __table_args__ = (
        UniqueConstraint("name", "run_date"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        Index("job_status_idx", "status"),
    )

    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    run_date = Column(DateTime(timezone=True), nullable=False)
    status = Column(String(20), nullable=False, server_default="pending", index=True)
    attempts = Column(Integer, nullable=False, server_default="0")
    token = Column(String(64), unique=True)


class JobLog(LegacyBase):
    __tablename__ = "job_logs"

    id = Column(Integer, primary_key=True)
    job_id = Column(Integer, ForeignKey("collection_jobs.id", ondelete="CASCADE"), nullable=False, index=True)
    line = Column(String(500))
    level = Column(String(10), CheckConstraint("level IN ('info', 'warn', 'error')", name="level_known"))
    at = Column(DateTime, server_default=func.now())


class JobMetric(LegacyBase):
    __tablename__ = "job_metrics_with_a_deliberately_long_table_name_for_truncation"

    id = Column(Integer, primary_key=True)
    job_id = Column(Integer, ForeignKey("collection_jobs.id"), nullable=False)
    metric_name_that_is_also_rather_long = Column(String(50), index=True, unique=True)
    value = Column(Numeric(20, 8))
    ok = Column(Boolean, server_default="false")


class Heartbeat(LegacyBase):
    __tablename__ = "heartbeats"

    worker = Column(String(40), primary_key=True)
    seen_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    load = Column(Numeric(5, 2))

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WORKER_JOBS = 4  # jobs a worker runs at once
DAY = 24 * 60 * 60


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"
    TEST = "test"


class Settings(BaseSettings):
    """Every knob of the service; read from the environment (and `.env`)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str | None = Field(
        default=None, description="PostgreSQL URL; the embedded server is used when unset."
    )
    redis_url: str | None = Field(
        default=None, description="Redis URL; the embedded server is used when unset."
    )
    data_dir: Path = Field(default=Path(".data"), description="Where embedded servers keep data.")
    queue_name: str = "contacts:queue"

    host: str = "127.0.0.1"
    port: int = 8000

    db_pool_max: int = Field(
        default=10,
        gt=WORKER_JOBS,
        description=f"Database connections per process; above the worker's {WORKER_JOBS} "
        "concurrent jobs, as an export holds one for its snapshot while it reads on others.",
    )
    max_upload_bytes: int = Field(
        default=1024 * 1024 * 1024,
        ge=1024,
        description="Largest request body the HTTP API accepts (an import file with its "
        "multipart envelope); a larger one is refused with 413 before it is stored.",
    )
    max_page_size: int = 500
    max_query_depth: int = 12
    max_query_tokens: int = 5000
    max_aliases: int = 30

    job_chunk_size: int = 5000
    import_lanes: int = Field(
        default=2,
        ge=1,
        le=32,
        description="Chunks an import commits side by side, each on its own database connection; "
        "about the database server's cores.",
    )
    download_link_seconds: int = Field(
        default=3600, description="How long an export or error-file link stays valid."
    )
    export_file_seconds: int = Field(
        default=7 * DAY,
        ge=60,
        description="How long an export's file is kept once written; then it is deleted and the "
        "export has expired.",
    )
    import_file_seconds: int = Field(
        default=7 * DAY,
        ge=60,
        description="How long an uploaded file is kept once its import is committed or failed "
        "(the error file is read from it); a cancelled import's file goes at once.",
    )
    import_preview_seconds: int = Field(
        default=7 * DAY,
        ge=60,
        description="How long an import may wait unconfirmed; then it is cancelled and its file "
        "and checked rows are deleted.",
    )
    audience_snapshot_seconds: int = Field(
        default=7 * DAY,
        ge=60,
        description="How long an audience snapshot keeps its frozen contacts once ready; then "
        "they are deleted and the snapshot has expired.",
    )
    job_sweep_seconds: int = 15

    # Jobs and workers
    job_max_attempts: int = Field(
        default=3,
        ge=1,
        description="Times a job may start without finishing (its worker died or was stopped "
        "while running it) before the next start ends it failed, with that reason, instead of "
        "running it again; an import or export whose job ends so ends failed too.",
    )
    job_heartbeat_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often a worker marks each job it runs alive, on a connection of its "
        "own, however long one chunk takes.",
    )
    job_stale_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A running job not marked alive for this long, and with no chunk holding "
        "its row in the database, is taken for one whose worker died: the sweep (every "
        "JOB_SWEEP_SECONDS) hands it to another worker, which resumes it from its checkpoint. "
        "A slow chunk is never taken for a dead worker. Must be several heartbeats.",
    )
    worker_reconnect_max_seconds: float = Field(
        default=10.0,
        gt=0,
        description="When Redis goes away the worker waits for it instead of exiting, trying "
        "again after 0.5 s, then twice as long each time up to this, and logs each try; jobs it "
        "is running go on meanwhile.",
    )

    @field_validator("import_lanes")
    @classmethod
    def _lanes_fit_the_pool(cls, lanes: int, info: ValidationInfo) -> int:
        # A field check (declared after db_pool_max): its error shows this value alone, not
        # every setting (URLs may hold passwords).
        pool = info.data.get("db_pool_max")
        if pool is not None and lanes >= pool:
            raise ValueError(
                f"IMPORT_LANES ({lanes}) must be below DB_POOL_MAX ({pool}): each lane holds "
                "a connection while it commits."
            )
        return lanes

    @field_validator("job_stale_seconds")
    @classmethod
    def _stale_spans_heartbeats(cls, stale: float, info: ValidationInfo) -> float:
        beat = info.data.get("job_heartbeat_seconds")
        if beat is not None and stale < 2 * beat:
            raise ValueError(
                f"JOB_STALE_SECONDS ({stale}) must be at least twice JOB_HEARTBEAT_SECONDS "
                f"({beat}): a live worker would otherwise look dead between two beats."
            )
        return stale

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

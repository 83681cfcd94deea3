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

    # Query cost and timeouts
    api_statement_timeout_ms: int = Field(
        default=5000,
        ge=0,
        description="How long one SQL statement of an API request may run before it is "
        "cancelled and the request answers a TIMEOUT error; 0: no limit.",
    )
    job_statement_timeout_ms: int = Field(
        default=0,
        ge=0,
        description="How long one SQL statement of a worker's job may run before it is "
        "cancelled (the job then fails or retries); 0: no limit, as jobs are long by design.",
    )
    max_query_cost: int = Field(
        default=100_000,
        ge=1,
        description="Largest estimated cost of a GraphQL document (items of every list, "
        "multiplied through nesting, plus counts weighted by their query's conditions); a "
        "costlier document is refused with COST_LIMIT before anything runs.",
    )

    # Request limits and production mode
    max_request_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest request body other than a multipart upload (a GraphQL document "
        "with its variables); a larger one is refused with 413 before it is read. Uploads "
        "keep MAX_UPLOAD_BYTES.",
    )
    max_json_depth: int = Field(
        default=64,
        ge=2,
        le=500,
        description="Deepest nesting of arrays and objects accepted in a request's JSON (body, "
        "variables, a multipart upload's operations); deeper JSON is refused with 400 before "
        "it is parsed.",
    )
    graphiql_enabled: bool | None = Field(
        default=None,
        description="Serve the GraphiQL page at GET /graphql; unset means on in development and "
        "test, off in production.",
    )
    introspection_enabled: bool | None = Field(
        default=None,
        description="Answer introspection queries (__schema, __type); unset means on in "
        "development and test, off in production.",
    )
    dependency_timeout_seconds: float = Field(
        default=3.0,
        gt=0,
        le=60,
        description="How long authentication and /healthz wait for the database or Redis; "
        "past it, or when one is unreachable, the answer is 503 with Retry-After.",
    )

    # Import file limits
    import_max_uncompressed_bytes: int = Field(
        default=500 * 1024 * 1024,
        ge=1024,
        description="Largest total size of the parts of an XLSX workbook once unzipped (its "
        "sheets, shared strings and the rest); a larger workbook (a zip bomb among them) fails "
        "as soon as its stated sizes or the bytes read pass it, before memory grows.",
    )
    import_max_cell_characters: int = Field(
        default=32767,
        ge=1,
        description="Longest text of one cell of an import file (32,767 is Excel's own cap); "
        "a longer cell fails the file.",
    )
    import_max_columns: int = Field(
        default=1000,
        ge=1,
        description="Most columns a row of an import file may have; a wider row fails the file.",
    )

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

    @property
    def serves_graphiql(self) -> bool:
        if self.graphiql_enabled is None:
            return not self.is_production
        return self.graphiql_enabled

    @property
    def allows_introspection(self) -> bool:
        if self.introspection_enabled is None:
            return not self.is_production
        return self.introspection_enabled


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

"""Runs queued import jobs in arrival order; a failed job is retried once at the back of the queue."""
from dataclasses import dataclass, field


@dataclass
class Job:
    job_id: int
    kind: str
    payload_size: int
    attempts: int = 0
    log: list = field(default_factory=list)


def drain(jobs: list[Job], max_attempts: int = 2) -> dict[str, int]:
    """Processes every job FIFO and returns how many bytes each job kind handled."""
    pending = list(jobs)
    handled: dict[str, int] = {}
    while pending:
        job = pending.pop(0)
        job.attempts += 1
        # Jobs whose id is divisible by 7 fail on their first attempt (flaky upstream).
        if job.job_id % 7 == 0 and job.attempts < max_attempts:
            pending.append(job)
            continue
        handled[job.kind] = handled.get(job.kind, 0) + job.payload_size
    return handled

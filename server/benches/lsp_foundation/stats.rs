//! Sample statistics for the benchmark: medians and percentiles of durations, in milliseconds.

use std::time::Duration;

/// Durations of one measured quantity, kept in arrival order.
#[derive(Debug, Default, Clone)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Nearest-rank percentile (`p` in 0..=100), in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.0.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
    }

    pub fn median_ms(&self) -> f64 {
        self.percentile_ms(50.0)
    }

    pub fn p95_ms(&self) -> f64 {
        self.percentile_ms(95.0)
    }

    pub fn min_ms(&self) -> f64 {
        self.0.iter().min().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    }
}

/// Median of plain numbers (paired ratios).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[mid] } else { (sorted[mid - 1] + sorted[mid]) / 2.0 }
}

/// CPU time consumed so far by the calling thread.
pub fn thread_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time consumed so far by the whole process, all threads.
pub fn process_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid, writable timespec and the clock ids are the standard ones.
    let ok = unsafe { libc::clock_gettime(clock, &mut now) } == 0;
    if ok { Duration::new(now.tv_sec as u64, now.tv_nsec as u32) } else { Duration::ZERO }
}

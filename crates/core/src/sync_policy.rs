//! When the desk tries to sync again: retry delays with jitter, from 5 s up to 10 min, or as
//! the province said when it was busy.

use std::time::Duration;

pub const FIRST_RETRY: Duration = Duration::from_secs(5);
pub const LONGEST_RETRY: Duration = Duration::from_secs(600);
/// A quiet desk still syncs this often.
pub const PERIODIC: Duration = Duration::from_secs(300);
/// After a local write, wait this long so a burst of entries goes in one push.
pub const AFTER_WRITE: Duration = Duration::from_secs(2);

/// Delay before the next attempt after `failures` failures in a row (1 = the first failure).
/// `jitter` in [0, 1) spreads the 95 communes' retries so they do not all return at once after
/// an outage: the delay is between half and all of the doubled step, never under 5 s.
pub fn retry_delay(failures: u32, jitter: f64) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    let step = FIRST_RETRY.saturating_mul(1 << doublings).min(LONGEST_RETRY);
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    step.mul_f64(0.5 + 0.5 * jitter).clamp(FIRST_RETRY, LONGEST_RETRY)
}

/// What the province tells a sync request it turns away (`Retry-After`): a second for each round
/// of the requests already waiting ahead of it, so a longer queue sends PCs further off; at most
/// a minute.
pub fn come_back_after(waiting: usize, at_once: usize) -> Duration {
    let rounds = waiting / at_once.max(1);
    Duration::from_secs(1 + rounds.min(59) as u64)
}

/// Delay before the next attempt when the province said when to come back (503 or 429 with
/// `Retry-After`): at least what it said, plus up to half again so the PCs it turned away do
/// not all return in the same second.
pub fn told_delay(retry_after: Duration, jitter: f64) -> Duration {
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
    retry_after.mul_f64(1.0 + 0.5 * jitter).clamp(Duration::from_secs(1), LONGEST_RETRY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_from_five_seconds_and_stop_at_ten_minutes() {
        let top: Vec<u64> = (1..=10).map(|n| retry_delay(n, 1.0).as_secs()).collect();
        assert_eq!(top, [5, 10, 20, 40, 80, 160, 320, 600, 600, 600]);
        assert_eq!(retry_delay(1, 0.0), FIRST_RETRY);
        assert_eq!(retry_delay(u32::MAX, 0.0), Duration::from_secs(300));
        assert_eq!(retry_delay(u32::MAX, 1.0), LONGEST_RETRY);
    }

    #[test]
    fn odd_jitter_values_stay_in_range() {
        for j in [f64::NAN, -3.0, 7.0, f64::INFINITY] {
            let d = retry_delay(3, j);
            assert!(d >= FIRST_RETRY && d <= LONGEST_RETRY);
        }
    }

    #[test]
    fn a_desk_told_to_come_back_waits_at_least_as_told_and_spreads_out() {
        let told = Duration::from_secs(8);
        assert_eq!(told_delay(told, 0.0), told);
        assert_eq!(told_delay(told, 1.0), Duration::from_secs(12));
        assert_eq!(told_delay(told, f64::NAN), told);
        assert_eq!(told_delay(Duration::ZERO, 0.5), Duration::from_secs(1));
        assert_eq!(told_delay(Duration::from_secs(86_400), 0.0), LONGEST_RETRY);
    }

    #[test]
    fn a_longer_queue_sends_a_pc_further_off_up_to_a_minute() {
        assert_eq!(come_back_after(0, 16), Duration::from_secs(1));
        assert_eq!(come_back_after(15, 16), Duration::from_secs(1));
        assert_eq!(come_back_after(32, 16), Duration::from_secs(3));
        assert_eq!(come_back_after(100_000, 16), Duration::from_secs(60));
        assert_eq!(come_back_after(5, 0), Duration::from_secs(6));
    }
}

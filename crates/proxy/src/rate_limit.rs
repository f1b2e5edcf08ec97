//! `--rate-limit N`: at most N requests per minute per client address, as
//! a token bucket (a burst of N, refilled at N per minute). Time is passed
//! in, so it is tested without waiting.

use std::collections::HashMap;
use std::net::IpAddr;

/// Buckets per client address.
#[derive(Debug, Default)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: HashMap<IpAddr, Bucket>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    /// Tokens, in thousandths (integer math, no drift).
    milli_tokens: u64,
    at_ms: u64,
}

/// Forget addresses idle this long: their buckets are full again anyway.
const IDLE_MS: u64 = 60_000;
/// Sweep idle buckets once the map holds this many.
const SWEEP_AT: usize = 10_000;

impl RateLimiter {
    /// `per_minute` requests per minute per address; 0: no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: HashMap::new(),
        }
    }

    /// Take one request for `ip` at `now_ms`: `Err(seconds)` to wait when
    /// it is over the limit.
    pub fn check(&mut self, ip: IpAddr, now_ms: u64) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let full = u64::from(self.per_minute) * 1000;
        if self.buckets.len() >= SWEEP_AT {
            self.buckets
                .retain(|_, b| now_ms.saturating_sub(b.at_ms) < IDLE_MS);
        }
        let b = self.buckets.entry(ip).or_insert(Bucket {
            milli_tokens: full,
            at_ms: now_ms,
        });
        // per_minute tokens per 60,000 ms: per_minute/60 thousandths per ms.
        let elapsed = now_ms.saturating_sub(b.at_ms);
        let refill = elapsed * u64::from(self.per_minute) / 60;
        b.milli_tokens = (b.milli_tokens + refill).min(full);
        b.at_ms = now_ms;
        if b.milli_tokens >= 1000 {
            b.milli_tokens -= 1000;
            Ok(())
        } else {
            let missing = 1000 - b.milli_tokens;
            let wait_ms = (missing * 60).div_ceil(u64::from(self.per_minute));
            Err(wait_ms.div_ceil(1000).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 2));

    #[test]
    fn n_a_minute_then_a_wait_then_more() {
        let mut r = RateLimiter::new(3);
        for _ in 0..3 {
            assert_eq!(r.check(A, 0), Ok(()));
        }
        // One token comes back every 20 s.
        assert_eq!(r.check(A, 0), Err(20));
        assert_eq!(r.check(B, 0), Ok(()), "another address has its own bucket");
        assert_eq!(r.check(A, 10_000), Err(10));
        assert_eq!(r.check(A, 20_000), Ok(()));
        assert_eq!(r.check(A, 20_001), Err(20));
    }

    #[test]
    fn zero_means_no_limit() {
        let mut r = RateLimiter::new(0);
        for _ in 0..10_000 {
            assert_eq!(r.check(A, 0), Ok(()));
        }
    }
}

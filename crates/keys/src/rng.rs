//! The operating system's random number generator, with an optional progress callback.

use core::convert::Infallible;
use std::time::{Duration, Instant};

use rand_core::{TryCryptoRng, TryRng};

/// How often, at most, the progress callback runs.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Checks once, fallibly, that the OS generator works, so that a broken one is reported as
/// an error before any key search starts.
pub(crate) fn probe() -> bool {
    let mut byte = [0u8; 1];
    getrandom::fill(&mut byte).is_ok()
}

/// Fills `dst` from the OS generator.
pub(crate) fn fill(dst: &mut [u8]) -> bool {
    getrandom::fill(dst).is_ok()
}

/// Fills `dst` with random bytes that must be unpredictable but are not key material:
/// certificate serial numbers. The one place that chooses the generator: the operating
/// system's (`getrandom`) in the default and `aws-lc` builds, the FIPS module's DRBG
/// (`aws_lc_rs::rand`, seeded and health-tested inside the module) in the `fips` build.
///
/// The error is the generator's own message.
pub fn fill_random(dst: &mut [u8]) -> Result<(), String> {
    #[cfg(feature = "fips")]
    {
        crate::provider::fips_ready().map_err(|e| e.to_string())?;
        aws_lc_rs::rand::fill(dst).map_err(|_| "the FIPS module's DRBG failed".to_owned())
    }
    #[cfg(not(feature = "fips"))]
    {
        getrandom::fill(dst).map_err(|e| e.to_string())
    }
}

/// An infallible view of the OS generator for the RSA prime search, which cannot be told
/// to stop half-way. Every call to it may report progress.
pub(crate) struct SysRng<'a> {
    progress: &'a mut dyn FnMut(Duration),
    started: Instant,
    last_report: Instant,
}

impl<'a> SysRng<'a> {
    pub(crate) fn new(progress: &'a mut dyn FnMut(Duration)) -> Self {
        let now = Instant::now();
        SysRng {
            progress,
            started: now,
            last_report: now,
        }
    }

    fn tick(&mut self) {
        let now = Instant::now();
        if now.duration_since(self.last_report) >= PROGRESS_EVERY {
            self.last_report = now;
            (self.progress)(now.duration_since(self.started));
        }
    }
}

impl TryRng for SysRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.tick();
        if let Err(err) = getrandom::fill(dst) {
            // The OS generator worked at `probe` and failed in the middle of a key search.
            // Go's crypto/rand aborts the process in this case too; continuing with
            // non-random bytes would produce a predictable key.
            #[allow(clippy::panic)]
            {
                panic!("the operating system's random number generator failed: {err}");
            }
        }
        Ok(())
    }
}

impl TryCryptoRng for SysRng<'_> {}

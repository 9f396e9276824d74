//! The shutdown signal of a command-line server: SIGINT or SIGTERM.

use std::future::Future;

use crate::error::ServerError;

/// A future that completes on SIGINT or SIGTERM. The handlers are installed now, so a
/// signal that comes before the future is polled is not lost.
#[cfg(unix)]
pub(crate) fn termination() -> Result<impl Future<Output = ()>, ServerError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|source| ServerError::Signal { source })?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|source| ServerError::Signal { source })?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// A future that completes on Ctrl-C.
#[cfg(not(unix))]
pub(crate) fn termination() -> Result<impl Future<Output = ()>, ServerError> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

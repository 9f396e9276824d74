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

/// The shutdown signal as one type, whichever platform's [`termination`] made it.
pub(crate) type Stop = std::pin::Pin<Box<dyn Future<Output = ()>>>;

/// Runs a server from a synchronous `main`: a multi-threaded tokio runtime of its own
/// (threads named `thread_name`), on which `serve` binds and serves until the [`Stop`] it
/// is given completes at SIGINT or SIGTERM. `serve`, `multirootca` and `ocspserve` all start
/// this way, so a fix to start-up or shutdown reaches the three.
pub(crate) fn run_until_terminated<S, Served>(
    thread_name: &str,
    serve: S,
) -> Result<(), ServerError>
where
    S: FnOnce(Stop) -> Served,
    Served: Future<Output = Result<(), ServerError>>,
{
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name(thread_name)
        .build()
        .map_err(|source| ServerError::Runtime { source })?;
    runtime.block_on(async move {
        let stop: Stop = Box::pin(termination()?);
        serve(stop).await
    })
}

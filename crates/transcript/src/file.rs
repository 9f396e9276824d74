//! Creating, locking and appending to the transcript file (see the crate docs for the
//! rules and why).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use rustix::fs::{Access, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use crate::chain::{self, Entry, GENESIS};
use crate::{Step, TranscriptError};

fn io_error<'a>(
    op: &'static str,
    path: &'a Path,
) -> impl FnOnce(io::Error) -> TranscriptError + 'a {
    move |source| TranscriptError::Io {
        op,
        path: path.display().to_string(),
        source,
    }
}

/// Opens an existing transcript for reading and appending, never through a symlink, never
/// blocking on a FIFO planted at the name; `Ok(None)` when there is no file.
fn open_existing(path: &Path) -> Result<Option<File>, TranscriptError> {
    let flags =
        OFlags::RDWR | OFlags::APPEND | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    match rustix::fs::open(path, flags, Mode::empty()) {
        Ok(fd) => {
            let file = File::from(fd);
            require_regular(&file, path)?;
            Ok(Some(file))
        }
        Err(Errno::NOENT) => Ok(None),
        Err(Errno::LOOP) => Err(TranscriptError::NotAFile {
            path: path.display().to_string(),
        }),
        Err(e) => Err(io_error("open for appending", path)(e.into())),
    }
}

fn require_regular(file: &File, path: &Path) -> Result<(), TranscriptError> {
    let meta = file.metadata().map_err(io_error("read", path))?;
    if meta.is_file() {
        Ok(())
    } else {
        Err(TranscriptError::NotAFile {
            path: path.display().to_string(),
        })
    }
}

/// The directory a new transcript at `path` goes into.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Takes `flock(2)` on `file`, waiting for another process. A file system without locks
/// (some network mounts) is written unlocked: the chain check under the lock is then the
/// only guard, and a concurrent writer would show up as a broken chain, never as a lost line.
fn lock(file: &File, operation: FlockOperation, path: &Path) -> Result<(), TranscriptError> {
    loop {
        match rustix::fs::flock(file, operation) {
            Ok(()) => return Ok(()),
            Err(Errno::INTR) => {}
            Err(e) if e == Errno::NOLCK || e == Errno::NOTSUP || e == Errno::OPNOTSUPP => {
                return Ok(());
            }
            Err(e) => return Err(io_error("lock", path)(e.into())),
        }
    }
}

fn read_all(file: &mut File, path: &Path) -> Result<Vec<u8>, TranscriptError> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(io_error("read", path))?;
    Ok(bytes)
}

/// Reads and checks the chain of the locked `file`; an error if it does not verify.
fn checked_chain(file: &mut File, path: &Path) -> Result<chain::Chain, TranscriptError> {
    let bytes = read_all(file, path)?;
    let chain = chain::check(&bytes);
    if chain.problems.is_empty() {
        Ok(chain)
    } else {
        Err(TranscriptError::Broken {
            path: path.display().to_string(),
            problems: chain.problems,
        })
    }
}

pub(crate) fn check_appendable(path: &Path) -> Result<(), TranscriptError> {
    match open_existing(path)? {
        Some(mut file) => {
            lock(&file, FlockOperation::LockShared, path)?;
            checked_chain(&mut file, path).map(drop)
        }
        None => {
            let dir = parent_dir(path);
            let meta = std::fs::metadata(dir).map_err(io_error("create", path))?;
            if !meta.is_dir() {
                return Err(io_error("create", path)(Errno::NOTDIR.into()));
            }
            rustix::fs::access(dir, Access::WRITE_OK | Access::EXEC_OK)
                .map_err(|e| io_error("create", path)(e.into()))
        }
    }
}

/// Opens the transcript for appending, creating it (`O_EXCL`, 0644) when absent; `true`
/// when it was created.
fn open_or_create(path: &Path) -> Result<(File, bool), TranscriptError> {
    // Two rounds: another process may create the file between our two opens.
    for _ in 0..2 {
        if let Some(file) = open_existing(path)? {
            return Ok((file, false));
        }
        let flags = OFlags::RDWR
            | OFlags::APPEND
            | OFlags::CREATE
            | OFlags::EXCL
            | OFlags::NOFOLLOW
            | OFlags::CLOEXEC;
        let mode = Mode::RUSR | Mode::WUSR | Mode::RGRP | Mode::ROTH;
        match rustix::fs::open(path, flags, mode) {
            Ok(fd) => return Ok((File::from(fd), true)),
            Err(Errno::EXIST) => {}
            Err(e) => return Err(io_error("create", path)(e.into())),
        }
    }
    Err(io_error("create", path)(io::Error::other(
        "it appeared and disappeared while being opened",
    )))
}

pub(crate) fn append(
    path: &Path,
    step: &Step,
    now: time::OffsetDateTime,
) -> Result<Entry, TranscriptError> {
    let (mut file, created) = open_or_create(path)?;
    lock(&file, FlockOperation::LockExclusive, path)?;
    let chain = checked_chain(&mut file, path)?;
    let seq = u64::try_from(chain.lines)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let prev = chain.head.as_deref().unwrap_or(GENESIS);
    let (text, entry) = chain::encode_line(seq, now, prev, step);
    let mut bytes = text.into_bytes();
    bytes.push(b'\n');
    let before = file.metadata().map_err(io_error("read", path))?.len();
    let written = file
        .write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(io_error("write", path));
    if let Err(e) = written {
        // Leave no torn line behind if we can.
        let _ = file.set_len(before).and_then(|()| file.sync_all());
        return Err(e);
    }
    if created {
        // The new name must survive a crash too.
        File::open(parent_dir(path))
            .and_then(|dir| dir.sync_all())
            .map_err(io_error("sync", path))?;
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Artefact;

    fn step() -> Step {
        Step {
            command: vec!["cfssl-rs".into(), "sign".into()],
            outputs: vec![Artefact::of_bytes("-:cert", b"x")],
            ..Step::default()
        }
    }

    #[test]
    fn appends_chain_and_refuse_a_broken_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let log = dir.path().join("t.log");
        check_appendable(&log)?;
        let now = time::OffsetDateTime::UNIX_EPOCH;
        let first = append(&log, &step(), now)?;
        assert_eq!((first.seq, first.prev.as_str()), (1, GENESIS));
        let second = append(&log, &step(), now)?;
        assert_eq!((second.seq, second.prev), (2, first.hash));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&log)?.permissions().mode() & 0o777;
            assert_eq!(mode & 0o600, 0o600);
        }
        // A torn line: both the check and append refuse, and nothing is added.
        let mut file = std::fs::OpenOptions::new().append(true).open(&log)?;
        file.write_all(b"{\"seq\":3")?;
        let before = std::fs::read(&log)?;
        let refused = check_appendable(&log).map_err(|e| e.to_string());
        assert!(
            matches!(&refused, Err(e) if e.contains("line 3: incomplete")),
            "{refused:?}"
        );
        let refused = append(&log, &step(), now).map_err(|e| e.to_string());
        assert!(
            matches!(&refused, Err(e) if e.contains("a person has to look at it")),
            "{refused:?}"
        );
        assert_eq!(std::fs::read(&log)?, before);
        Ok(())
    }

    #[test]
    fn unwritable_places_are_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let missing_dir = dir.path().join("no/such/dir/t.log");
        assert!(check_appendable(&missing_dir).is_err());
        assert!(matches!(
            check_appendable(dir.path()),
            Err(TranscriptError::NotAFile { .. } | TranscriptError::Io { .. })
        ));
        #[cfg(unix)]
        {
            let target = dir.path().join("target.log");
            std::fs::write(&target, b"")?;
            let link = dir.path().join("link.log");
            std::os::unix::fs::symlink(&target, &link)?;
            assert!(matches!(
                check_appendable(&link),
                Err(TranscriptError::NotAFile { .. })
            ));
            assert!(append(&link, &step(), time::OffsetDateTime::UNIX_EPOCH).is_err());
        }
        Ok(())
    }
}
